package io.flowcast.flush;

import io.flowcast.pg.WorkflowRow;
import io.flowcast.workflow.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * Writes a batch of events to PostgreSQL in one transaction, idempotently: events and audit rows are
 * keyed by (tenant, workflow, generation, seq) and inserted with ON CONFLICT DO NOTHING; the workflow row
 * only moves forward. Flushers on different instances may hold events of the same workflow at once;
 * a transaction-scoped advisory lock per workflow (taken in sorted order, so never a deadlock) lets the
 * later one see what the earlier one wrote.
 */
public final class PgWriter {
  private static final String LOCK = "SELECT count(pg_advisory_xact_lock(hashtextextended(k, 0))) "
      + "FROM (SELECT unnest($1::text[]) AS k ORDER BY 1) s";
  // Times travel as the ISO-8601 text the events carry and PostgreSQL reads them (here and in
  // FeatureRows): parsing them in Java (java.time) cost more than the rest of building a batch, and a
  // malformed time is then refused by PostgreSQL (22007), so the entry is set aside like other bad data.
  private static final String EVENTS = "INSERT INTO workflow_events "
      + "(tenant, workflow_id, generation, seq, event_id, type, version, body, created_at) "
      + "SELECT t, i, g, sq, eid, ty, v, b, c::timestamptz FROM unnest($1::text[], $2::text[], $3::int8[], "
      + "$4::int8[], $5::text[], $6::text[], $7::int8[], $8::text[], $9::text[]) AS x(t, i, g, sq, eid, ty, v, b, c) "
      + "ON CONFLICT DO NOTHING";
  private static final String AUDIT = "INSERT INTO audit_log "
      + "(tenant, workflow_id, generation, seq, action, version, actor, request_id, at) "
      + "SELECT t, i, g, sq, ty, v, a, r, c::timestamptz FROM unnest($1::text[], $2::text[], $3::int8[], "
      + "$4::int8[], $5::text[], $6::int8[], $7::text[], $8::text[], $9::text[]) AS x(t, i, g, sq, ty, v, a, r, c) "
      + "ON CONFLICT DO NOTHING";
  // the snapshot's fields: those with a column in it, every other in `fields` (pg/WorkflowRow)
  private static final String WORKFLOWS = "INSERT INTO workflows (tenant, id, generation, status, state, metadata, "
      + "version, ttl_seconds, created_at, updated_at, snapshot_seq, last_event_id, last_seq, fields) "
      + "SELECT t, i, g, st, s::jsonb, m::jsonb, v, ttl, c::timestamptz, u::timestamptz, sq, eid, sq, f::jsonb "
      + "FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], $5::text[], $6::text[], $7::int8[], "
      + "$8::int4[], $9::text[], $10::text[], $11::int8[], $12::text[], $13::text[]) "
      + "AS x(t, i, g, st, s, m, v, ttl, c, u, sq, eid, f) "
      + "ON CONFLICT (tenant, id) DO UPDATE SET generation = excluded.generation, status = excluded.status, "
      + "state = excluded.state, metadata = excluded.metadata, version = excluded.version, "
      + "ttl_seconds = excluded.ttl_seconds, created_at = excluded.created_at, updated_at = excluded.updated_at, "
      + "fields = excluded.fields, snapshot_seq = excluded.snapshot_seq "
      + "WHERE (workflows.generation, workflows.snapshot_seq) < (excluded.generation, excluded.snapshot_seq)";
  /** The newest flushed event of each workflow's current generation decides last_seq and deletion. */
  private static final String NEWEST = "UPDATE workflows w SET last_seq = e.seq, last_event_id = e.event_id, "
      + "deleted_at = CASE WHEN e.type = 'workflow.deleted' THEN e.created_at END "
      + "FROM unnest($1::text[], $2::text[]) AS k(tenant, id) CROSS JOIN LATERAL ("
      + "SELECT ev.seq, ev.event_id, ev.type, ev.created_at FROM workflow_events ev "
      + "WHERE ev.tenant = k.tenant AND ev.workflow_id = k.id AND ev.generation = "
      + "(SELECT x.generation FROM workflows x WHERE x.tenant = k.tenant AND x.id = k.id) "
      + "ORDER BY ev.seq DESC LIMIT 1) e WHERE w.tenant = k.tenant AND w.id = k.id";

  private final Pool pool;
  private final long timeoutMs;

  public PgWriter(Pool pool, long timeoutMs) {
    this.pool = pool;
    this.timeoutMs = timeoutMs;
  }

  /** Writes the records; completes once PostgreSQL committed them. */
  public Future<Void> write(List<OutboxRecord> records) {
    if (records.isEmpty()) {
      return Future.succeededFuture();
    }
    return pool.withTransaction(conn -> writeIn(conn, records)).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private Future<Void> writeIn(SqlConnection conn, List<OutboxRecord> records) {
    TreeSet<String> tags = new TreeSet<>();
    records.forEach(r -> tags.add(r.key().tag()));
    int n = records.size();
    String[] tenant = new String[n];
    String[] workflow = new String[n];
    Long[] generation = new Long[n];
    Long[] seq = new Long[n];
    String[] eventId = new String[n];
    String[] type = new String[n];
    Long[] version = new Long[n];
    String[] body = new String[n];
    String[] at = new String[n];
    String[] actor = new String[n];
    String[] request = new String[n];
    for (int i = 0; i < n; i++) {
      OutboxRecord r = records.get(i);
      JsonObject e = r.event();
      tenant[i] = r.key().tenant();
      workflow[i] = r.key().id();
      generation[i] = r.generation();
      seq[i] = e.getLong("seq");
      eventId[i] = e.getString("id");
      type[i] = e.getString("type");
      version[i] = e.getLong("version");
      body[i] = durableBody(r);
      at[i] = e.getString("created_at");
      actor[i] = e.getString("actor") == null ? "unknown" : e.getString("actor");
      request[i] = r.requestId();
    }
    String[] keyTenants = tags.stream().map(t -> t.substring(0, t.indexOf(':'))).toArray(String[]::new);
    String[] keyIds = tags.stream().map(t -> t.substring(t.indexOf(':') + 1)).toArray(String[]::new);
    return conn.preparedQuery(LOCK).execute(Tuple.tuple(List.of((Object) tags.toArray(String[]::new))))
        .compose(v -> conn.preparedQuery(EVENTS).execute(
            Tuple.tuple(List.of(tenant, workflow, generation, seq, eventId, type, version, body, at))))
        .compose(v -> conn.preparedQuery(AUDIT).execute(
            Tuple.tuple(List.of(tenant, workflow, generation, seq, type, version, actor, request, at))))
        .compose(v -> upsertWorkflows(conn, records))
        .compose(v -> FeatureRows.write(conn, records))
        .compose(v -> conn.preparedQuery(NEWEST).execute(Tuple.tuple(List.of(keyTenants, keyIds))))
        .mapEmpty();
  }

  /**
   * The event as the durable record keeps it. A draft's text lives only in Redis until it is committed:
   * the record keeps that a draft changed or was discarded (section, revision, who, when), not its text.
   */
  static String durableBody(OutboxRecord record) {
    JsonObject event = record.event();
    String type = event.getString("type");
    if (!type.equals(EventTypes.DRAFT_UPDATED) && !type.equals(EventTypes.DRAFT_DISCARDED)) {
      return record.eventJson();
    }
    JsonObject data = event.getValue("data") instanceof JsonObject d ? d : new JsonObject();
    return event.copy().put("data", new JsonObject().put("section_id", data.getString("section_id"))
        .put("revision", data.getValue("revision")).put("text_kept", false)).encode();
  }

  /** One row per workflow: the newest snapshot of the batch. */
  private Future<?> upsertWorkflows(SqlConnection conn, List<OutboxRecord> records) {
    Map<String, OutboxRecord> newest = new LinkedHashMap<>();
    Comparator<OutboxRecord> order = Comparator.comparingLong(OutboxRecord::generation)
        .thenComparingLong(OutboxRecord::seq);
    for (OutboxRecord r : records) {
      if (r.hasSnapshot()) {
        newest.merge(r.key().tag(), r, (a, b) -> order.compare(a, b) >= 0 ? a : b);
      }
    }
    if (newest.isEmpty()) {
      return Future.succeededFuture();
    }
    List<OutboxRecord> rows = new ArrayList<>(newest.values());
    int n = rows.size();
    String[] t = new String[n], i = new String[n], st = new String[n], s = new String[n], m = new String[n];
    String[] eid = new String[n], f = new String[n];
    Long[] g = new Long[n], v = new Long[n], sq = new Long[n];
    Integer[] ttl = new Integer[n];
    String[] c = new String[n], u = new String[n];
    for (int k = 0; k < n; k++) {
      OutboxRecord r = rows.get(k);
      JsonObject snap = r.snapshot();
      t[k] = r.key().tenant();
      i[k] = r.key().id();
      g[k] = r.generation();
      st[k] = snap.getString("status");
      s[k] = snap.getJsonObject("state").encode();
      m[k] = snap.getJsonObject("metadata").encode();
      v[k] = snap.getLong("version");
      ttl[k] = snap.getInteger("ttl");
      c[k] = snap.getString("created_at");
      u[k] = snap.getString("updated_at");
      sq[k] = r.seq();
      eid[k] = r.event().getString("id");
      f[k] = WorkflowRow.fields(snap);
    }
    return conn.preparedQuery(WORKFLOWS).execute(Tuple.tuple(List.of(t, i, g, st, s, m, v, ttl, c, u, sq, eid, f)));
  }
}
