package io.flowcast.pg;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.ListCursor;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowPage;
import io.flowcast.workflow.Times;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Reads of the durable record: cache-aside loads, old history and listings. */
public final class PgArchive implements WorkflowArchive {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(PgArchive.class);
  private static final String COLUMNS = "tenant, id, " + WorkflowRow.SELECT + ", generation, last_event_id, last_seq";
  /** With the count of events the record has after its state: all of them, or the state is not the newest. */
  private static final String LOAD = "SELECT " + COLUMNS + ", snapshot_seq, (SELECT count(*) FROM workflow_events e "
      + "WHERE e.tenant = w.tenant AND e.workflow_id = w.id AND e.generation = w.generation "
      + "AND e.seq > w.snapshot_seq AND e.seq <= w.last_seq) AS after_state FROM workflows w "
      + "WHERE tenant = $1 AND id = $2 AND deleted_at IS NULL";
  private static final String SEQ_OF = "SELECT seq FROM workflow_events "
      + "WHERE tenant = $1 AND workflow_id = $2 AND generation = $3 AND event_id = $4";
  private static final String EVENTS_AFTER = "SELECT body FROM workflow_events "
      + "WHERE tenant = $1 AND workflow_id = $2 AND generation = $3 AND seq > $4 ORDER BY seq LIMIT $5";
  private static final String SNAPSHOTS = "SELECT label, version, state::text AS state, created_at "
      + "FROM workflow_snapshots WHERE tenant = $1 AND workflow_id = $2 AND generation = $3 "
      + "ORDER BY created_at DESC, label LIMIT $4";
  private static final String LIST = "SELECT " + COLUMNS + " FROM workflows "
      + "WHERE tenant = $1 AND deleted_at IS NULL AND ($2::text IS NULL OR status = $2) "
      + "AND ($3::timestamptz IS NULL OR (created_at, id) < ($3, $4)) "
      + "ORDER BY created_at DESC, id DESC LIMIT $5";

  private final Pool pool;
  private final long timeoutMs;

  private final java.time.Clock clock;

  public PgArchive(Pool pool, long timeoutMs, java.time.Clock clock) {
    this.clock = clock;
    this.pool = pool;
    this.timeoutMs = timeoutMs;
  }

  @Override
  public Future<Workflow> load(WorkflowKey key) {
    return query(LOAD, Tuple.of(key.tenant(), key.id())).compose(rows -> {
      if (rows.isEmpty()) {
        return Future.succeededFuture(null);
      }
      Row row = rows.get(0);
      long stateSeq = row.getLong("snapshot_seq");
      long lastSeq = row.getLong("last_seq");
      return row.getLong("after_state") < lastSeq - stateSeq
          ? Future.failedFuture(WorkflowArchive.incomplete(key, stateSeq, lastSeq))
          : Future.succeededFuture(workflow(row));
    });
  }

  @Override
  public Future<Long> seqOf(WorkflowKey key, long generation, String eventId) {
    return query(SEQ_OF, Tuple.of(key.tenant(), key.id(), generation, eventId))
        .map(rows -> rows.isEmpty() ? null : rows.get(0).getLong("seq"));
  }

  @Override
  public Future<List<JsonObject>> eventsAfter(WorkflowKey key, long generation, long afterSeq, int limit) {
    return query(EVENTS_AFTER, Tuple.of(key.tenant(), key.id(), generation, afterSeq, limit))
        .map(rows -> rows.stream().map(r -> new JsonObject(r.getString("body"))).toList());
  }

  @Override
  public Future<List<JsonObject>> snapshots(WorkflowKey key, long generation, int limit) {
    return query(SNAPSHOTS, Tuple.of(key.tenant(), key.id(), generation, limit)).map(rows -> rows.stream()
        .map(r -> new JsonObject().put("label", r.getString("label")).put("version", r.getLong("version"))
            .put("state", new JsonObject(r.getString("state")))
            .put("created_at", Times.format(r.getOffsetDateTime("created_at").toInstant())))
        .toList());
  }

  @Override
  public Future<WorkflowPage> list(String tenant, String status, int limit, ListCursor after) {
    OffsetDateTime createdBefore = after == null ? null
        : OffsetDateTime.ofInstant(Instant.ofEpochMilli(after.createdMillis()), ZoneOffset.UTC);
    return query(LIST, Tuple.of(tenant, status, createdBefore, after == null ? null : after.id(), limit + 1))
        .map(rows -> {
          List<Workflow> items = new ArrayList<>();
          for (int i = 0; i < rows.size() && i < limit; i++) {
            items.add(workflow(rows.get(i)));
          }
          Workflow last = items.isEmpty() ? null : items.get(items.size() - 1);
          return new WorkflowPage(items, rows.size() > limit
              ? new ListCursor(last.createdAt().toEpochMilli(), last.key().id()).encode() : null);
        });
  }

  private Future<List<Row>> query(String sql, Tuple args) {
    return pool.preparedQuery(sql).execute(args).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<List<Row>>map(rows -> {
          List<Row> list = new ArrayList<>();
          rows.forEach(list::add);
          return list;
        })
        .recover(err -> {
          log.warn("PostgreSQL read failed: {}", err.getMessage());
          return Future.failedFuture(ApiException.unavailable("PostgreSQL is unavailable"));
        });
  }

  private Workflow workflow(Row row) {
    return Workflow.read(new WorkflowKey(row.getString("tenant"), row.getString("id")), WorkflowRow.of(row),
        row.getLong("generation"), row.getString("last_event_id"), row.getLong("last_seq"), Times.now(clock), null);
  }
}
