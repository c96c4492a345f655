package io.flowcast.pg;

import io.flowcast.workflow.StoredFields;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;

import java.time.Instant;
import java.util.Map;

/**
 * A workflow's fields in a row of {@code workflows}: the ones that had a column when the table was made keep
 * it (listing and searching use them); every other field {@code Workflow.toSnapshotJson} writes lives in
 * the jsonb column {@code fields} under its name (V3__workflow_fields.sql). This is the one place that
 * knows which is which; it names no field added since, so a new field changes nothing here.
 */
public final class WorkflowRow {
  /** The snapshot's fields with a column of their own, and the column. */
  private static final Map<String, String> COLUMNS = Map.of("status", "status", "state", "state",
      "metadata", "metadata", "version", "version", "ttl", "ttl_seconds", "created_at", "created_at",
      "updated_at", "updated_at");
  /** What a read selects of them (the JSON ones as text), and the rest. */
  public static final String SELECT = "status, state::text AS state, metadata::text AS metadata, version, "
      + "ttl_seconds, created_at, updated_at, fields::text AS fields";

  private WorkflowRow() {
  }

  /** The snapshot's fields that have no column, as the {@code fields} column keeps them ("{}" for none). */
  public static String fields(JsonObject snapshot) {
    JsonObject rest = null;
    for (Map.Entry<String, Object> field : snapshot) {
      if (!COLUMNS.containsKey(field.getKey())) {
        rest = rest == null ? new JsonObject() : rest;
        rest.put(field.getKey(), field.getValue());
      }
    }
    return rest == null ? "{}" : rest.encode();
  }

  /** A row read with {@link #SELECT}, by the snapshot's names. */
  public static StoredFields of(Row row) {
    String fields = row.getString("fields");
    StoredFields rest = StoredFields.of(fields.equals("{}") ? new JsonObject() : new JsonObject(fields));
    return new StoredFields() {
      @Override
      public boolean has(String name) {
        return COLUMNS.containsKey(name) || rest.has(name);
      }

      @Override
      public String text(String name) {
        return COLUMNS.containsKey(name) ? row.getString(COLUMNS.get(name)) : rest.text(name);
      }

      @Override
      public JsonObject object(String name) {
        return COLUMNS.containsKey(name) ? new JsonObject(row.getString(COLUMNS.get(name))) : rest.object(name);
      }

      @Override
      public long number(String name) {
        return COLUMNS.containsKey(name) ? row.getLong(COLUMNS.get(name)) : rest.number(name);
      }

      @Override
      public Instant time(String name) {
        return COLUMNS.containsKey(name) ? row.getOffsetDateTime(COLUMNS.get(name)).toInstant() : rest.time(name);
      }
    };
  }
}
