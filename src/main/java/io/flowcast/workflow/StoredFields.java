package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.Map;

/**
 * A workflow's fields as a store holds them, by the names {@link Workflow#toSnapshotJson} gives them, for
 * {@link Workflow#read}: a snapshot, a Redis state hash, a PostgreSQL row (pg/WorkflowRow). Nothing here
 * names a field, so a new one changes nothing here.
 */
public interface StoredFields {
  /** Whether the store has the field (one written before the field existed may not). */
  boolean has(String name);

  String text(String name);

  JsonObject object(String name);

  long number(String name);

  Instant time(String name);

  /** The fields of a snapshot as {@link Workflow#toSnapshotJson} writes them. */
  static StoredFields of(JsonObject snapshot) {
    return new StoredFields() {
      public boolean has(String name) {
        return snapshot.containsKey(name);
      }

      public String text(String name) {
        return snapshot.getString(name);
      }

      public JsonObject object(String name) {
        JsonObject value = snapshot.getJsonObject(name);
        return value == null ? null : value.copy();
      }

      public long number(String name) {
        return snapshot.getLong(name);
      }

      public Instant time(String name) {
        return Instant.parse(snapshot.getString(name));
      }
    };
  }

  /** The fields as {@link Workflow#toFields} writes them (a Redis state hash). */
  static StoredFields ofTexts(Map<String, String> fields) {
    return new StoredFields() {
      public boolean has(String name) {
        return fields.containsKey(name);
      }

      public String text(String name) {
        return fields.get(name);
      }

      public JsonObject object(String name) {
        String value = fields.get(name);
        return value == null ? null : new JsonObject(value);
      }

      public long number(String name) {
        return Long.parseLong(fields.get(name));
      }

      public Instant time(String name) {
        return Instant.parse(fields.get(name));
      }
    };
  }
}
