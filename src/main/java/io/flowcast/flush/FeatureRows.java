package io.flowcast.flush;

import io.flowcast.workflow.EventTypes;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows of the feature tables that some events imply, written in the flush transaction beside the
 * events: a labelled snapshot ({@code snapshot.created}, with the workflow as it was) and a committed
 * review section ({@code draft.committed}). Idempotent like the rest of a flush.
 */
final class FeatureRows {
  private static final String SNAPSHOTS = "INSERT INTO workflow_snapshots "
      + "(tenant, workflow_id, generation, label, version, state, created_at) "
      + "SELECT t, i, g, l, v, s::jsonb, c::timestamptz FROM unnest($1::text[], $2::text[], $3::int8[], $4::text[], "
      + "$5::int8[], $6::text[], $7::text[]) AS x(t, i, g, l, v, s, c) "
      // a label dropped from Redis (oldest beyond the limit) may be used again: the newer use wins
      + "ON CONFLICT (tenant, workflow_id, generation, label) DO UPDATE SET version = excluded.version, "
      + "state = excluded.state, created_at = excluded.created_at "
      + "WHERE workflow_snapshots.created_at <= excluded.created_at";
  private static final String SECTIONS = "INSERT INTO committed_sections "
      + "(tenant, workflow_id, generation, section_id, version, content, author, committed_at) "
      + "SELECT t, i, g, s, v, to_jsonb(x.content), a, c::timestamptz FROM unnest($1::text[], $2::text[], "
      + "$3::int8[], $4::text[], $5::int8[], $6::text[], $7::text[], $8::text[]) AS x(t, i, g, s, v, content, a, c) "
      + "ON CONFLICT DO NOTHING";

  private FeatureRows() {
  }

  static Future<?> write(SqlConnection conn, List<OutboxRecord> records) {
    List<OutboxRecord> snapshots = new ArrayList<>();
    List<OutboxRecord> sections = new ArrayList<>();
    for (OutboxRecord r : records) {
      String type = r.event().getString("type");
      if (type.equals(EventTypes.SNAPSHOT_CREATED) && r.hasSnapshot()) {
        snapshots.add(r);
      } else if (type.equals(EventTypes.DRAFT_COMMITTED)) {
        sections.add(r);
      }
    }
    Future<?> written = Future.succeededFuture();
    if (!snapshots.isEmpty()) {
      written = written.compose(v -> conn.preparedQuery(SNAPSHOTS).execute(snapshotRows(snapshots)));
    }
    if (!sections.isEmpty()) {
      written = written.compose(v -> conn.preparedQuery(SECTIONS).execute(sectionRows(sections)));
    }
    return written;
  }

  private static Tuple snapshotRows(List<OutboxRecord> rows) {
    int n = rows.size();
    String[] t = new String[n], i = new String[n], l = new String[n], s = new String[n];
    Long[] g = new Long[n], v = new Long[n];
    String[] c = new String[n];
    for (int k = 0; k < n; k++) {
      OutboxRecord r = rows.get(k);
      JsonObject data = r.event().getJsonObject("data");
      t[k] = r.key().tenant();
      i[k] = r.key().id();
      g[k] = r.generation();
      l[k] = data.getString("label");
      v[k] = r.event().getLong("version");
      s[k] = r.snapshot().getJsonObject("state").encode();
      c[k] = r.event().getString("created_at");
    }
    return Tuple.tuple(List.of(t, i, g, l, v, s, c));
  }

  private static Tuple sectionRows(List<OutboxRecord> rows) {
    int n = rows.size();
    String[] t = new String[n], i = new String[n], s = new String[n], content = new String[n], a = new String[n];
    Long[] g = new Long[n], v = new Long[n];
    String[] c = new String[n];
    for (int k = 0; k < n; k++) {
      OutboxRecord r = rows.get(k);
      JsonObject data = r.event().getJsonObject("data");
      t[k] = r.key().tenant();
      i[k] = r.key().id();
      g[k] = r.generation();
      s[k] = data.getString("section_id");
      v[k] = r.event().getLong("version");
      content[k] = data.getString("raw_draft");
      a[k] = r.event().getString("actor") == null ? "unknown" : r.event().getString("actor");
      c[k] = r.event().getString("created_at");
    }
    return Tuple.tuple(List.of(t, i, g, s, v, content, a, c));
  }
}
