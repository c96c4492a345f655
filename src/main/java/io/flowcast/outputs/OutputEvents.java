package io.flowcast.outputs;

import io.flowcast.workflow.EventTypes;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * The data of output events and the ephemeral delta, in the one format of docs/API.md. The Redis scripts
 * know an offset only when they run: the delta is built around it ({@link #deltaHead}, {@link #deltaTail}).
 */
public final class OutputEvents {
  private OutputEvents() {
  }

  /** {@code output.appended}: the text of one roll-up window and where it begins. */
  public static JsonObject appended(String name, long offset, String text) {
    return new JsonObject().put("name", name).put("offset", offset).put("text", text);
  }

  /** {@code output.closed}: the whole text; a cancel's close says so. */
  public static JsonObject closed(String name, String text, boolean cancelled) {
    JsonObject data = new JsonObject().put("name", name).put("length", (long) text.length()).put("text", text);
    return cancelled ? data.put("reason", "cancelled") : data;
  }

  /** An ephemeral {@code output.delta} frame, one line of JSON with its type (no id, no seq). */
  public static String delta(String workflowId, String name, long offset, String text) {
    return deltaHead(workflowId, name) + offset + deltaTail(text);
  }

  /** The delta up to its offset (ids follow the identifier rule: nothing to escape). */
  public static String deltaHead(String workflowId, String name) {
    return "{\"type\":\"" + EventTypes.OUTPUT_DELTA + "\",\"workflow_id\":\"" + workflowId + "\",\"name\":\"" + name
        + "\",\"offset\":";
  }

  public static String deltaTail(String text) {
    return ",\"text\":" + Json.encode(text) + "}";
  }
}
