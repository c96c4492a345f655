package io.flowcast.flush;

import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;

import java.util.Map;

/**
 * One event on its way to PostgreSQL: an entry of the Redis outbox stream (written by the workflow
 * scripts), or, in write-through mode, a record of {@code flowcast.flush.write}.
 *
 * <p>The texts are kept as they came, so the flusher neither encodes an event again (its text is what
 * clients saw) nor parses a snapshot that a newer one of the same batch replaces.
 *
 * @param event        the event, parsed
 * @param eventText    the event's JSON as clients saw it, or null when only the parsed event is known
 * @param snapshotText the workflow after the event ({@code status, state, metadata, version, created_at,
 *                     updated_at, ttl}) as JSON, for events that change it, else null
 */
public record OutboxRecord(String entryId, WorkflowKey key, long generation, JsonObject event, String eventText,
    String requestId, String snapshotText, long bytes) {

  /** What an entry counts for in the buffer's byte bound: as {@code _lib.lua} adds it up when it buffers one. */
  static long bytes(Map<String, String> fields) {
    long bytes = 64;
    for (String field : new String[] {"w", "e", "r", "s"}) {
      String value = fields.get(field);
      if (value != null) {
        bytes += utf8Length(value);
      }
    }
    return bytes;
  }

  private static long utf8Length(String text) {
    long length = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        length++;
      } else if (c < 0x800) {
        length += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
        length += 4;
        i++;
      } else {
        length += 3;
      }
    }
    return length;
  }

  /** Parses an outbox stream entry's fields; null when the entry is not one (deleted meanwhile). */
  static OutboxRecord fromEntry(String entryId, Map<String, String> fields) {
    if (fields == null || fields.get("w") == null || fields.get("e") == null) {
      return null;
    }
    String event = fields.get("e");
    String snapshot = fields.get("s");
    String request = fields.get("r");
    return new OutboxRecord(entryId, WorkflowKey.parseTag(fields.get("w")), Long.parseLong(fields.get("g")),
        new JsonObject(event), event, request == null || request.isEmpty() ? null : request,
        snapshot == null || snapshot.isEmpty() ? null : snapshot, bytes(fields));
  }

  public static OutboxRecord fromJson(JsonObject json) {
    JsonObject snapshot = json.getJsonObject("snapshot");
    return new OutboxRecord(null, WorkflowKey.parseTag(json.getString("workflow")), json.getLong("generation"),
        json.getJsonObject("event"), null, json.getString("request_id"),
        snapshot == null ? null : snapshot.encode(), 0);
  }

  /** An outbox entry that is not an event record (deleted meanwhile, or malformed: {@code details}). */
  static OutboxRecord unusable(String entryId, JsonObject details, long bytes) {
    return new OutboxRecord(entryId, null, 0, details, null, null, null, bytes);
  }

  long seq() {
    return event.getLong("seq");
  }

  boolean hasSnapshot() {
    return snapshotText != null;
  }

  /**
   * The workflow after the event, parsed on each call; null for events that do not change it.
   *
   * @throws MalformedSnapshot when the text is not a JSON object of the fields the flusher writes
   */
  JsonObject snapshot() {
    if (snapshotText == null) {
      return null;
    }
    JsonObject snapshot;
    try {
      snapshot = new JsonObject(snapshotText);
    } catch (DecodeException e) {
      throw malformed("is not JSON", e);
    }
    boolean complete = snapshot.getValue("status") instanceof String
        && snapshot.getValue("state") instanceof JsonObject && snapshot.getValue("metadata") instanceof JsonObject
        && snapshot.getValue("version") instanceof Number && snapshot.getValue("ttl") instanceof Number
        && snapshot.getValue("created_at") instanceof String && snapshot.getValue("updated_at") instanceof String;
    if (!complete) {
      throw malformed("lacks a field or has one of the wrong type", null);
    }
    return snapshot;
  }

  private MalformedSnapshot malformed(String what, Throwable cause) {
    Object seq = event == null ? null : event.getValue("seq");
    return new MalformedSnapshot("the workflow snapshot of " + key.tag() + " seq " + seq + " " + what, cause);
  }

  /** The event's JSON text. */
  String eventJson() {
    return eventText != null ? eventText : event.encode();
  }
}
