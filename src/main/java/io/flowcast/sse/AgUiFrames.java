package io.flowcast.sse;

import io.flowcast.snapshot.Replay;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Lifecycle;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One stream's translation of a workflow's frames into AG-UI events ({@code ?format=ag-ui}, docs/API.md
 * "AG-UI"): the workflow is the thread and a run lasts from the stream's start (or a reopen) to a terminal
 * status; its state is the workflow's {@code state}, sent whole first ({@code STATE_SNAPSHOT}) and then as
 * JSON Patch deltas ({@code STATE_DELTA}), which is why it keeps the state it sent: stateful, so the frames
 * are made per stream, not shared. Outputs are the assistant's text messages; interrupts, status moves and
 * other events are {@code CUSTOM} events named by their type.
 */
final class AgUiFrames {
  private final String workflowId;
  /** The state the client has (null until the first snapshot). */
  private JsonObject state;
  private String runId;
  private boolean running;
  /** Outputs whose text message was started and not yet ended. */
  private final Set<String> open = new LinkedHashSet<>();

  AgUiFrames(String workflowId) {
    this.workflowId = workflowId;
  }

  /** The AG-UI events of one frame of the workflow's stream ({@code json} carries its type when typed). */
  List<JsonObject> translate(String type, JsonObject body) {
    List<JsonObject> out = new ArrayList<>();
    switch (type) {
      case "snapshot", "reset" -> snapshot(body, out);
      case EventTypes.OUTPUT_DELTA -> text(body.getString("name"), body.getString("text"), false, out);
      case EventTypes.OUTPUT_SNAPSHOT -> text(body.getString("name"), body.getString("text"),
          body.getBoolean("closed", false), out);
      case EventTypes.OUTPUT_CLOSED -> {
        JsonObject data = data(body);
        String name = data.getString("name");
        // the text came as deltas or a snapshot; a client that resumed after the close gets it whole
        text(name, open.contains(name) ? "" : data.getString("text"), true, out);
      }
      default -> event(type, body, out);
    }
    return out;
  }

  private void snapshot(JsonObject workflow, List<JsonObject> out) {
    state = workflow.getJsonObject("state", new JsonObject()).copy();
    if (!running) {
      start(workflow.getValue("epoch") + "-" + workflow.getLong("version"), out);
    }
    out.add(agui("STATE_SNAPSHOT").put("snapshot", state.copy()));
    String status = workflow.getString("status");
    if (Lifecycle.terminal(status)) {
      finish(status, null, out);
    }
  }

  /** A logged event: a new state is a delta, a status move may end or start a run, the rest is CUSTOM. */
  private void event(String type, JsonObject event, List<JsonObject> out) {
    if (!running && !reopens(event)) {
      return;
    }
    if (!running) {
      start(event.getString("id"), out);
    }
    if (state != null && Replay.changes(event) && !EventTypes.CREATED.equals(type)) {
      JsonObject after = Replay.stateAfter(state, event);
      JsonArray delta = new JsonArray();
      diff("", state, after, delta);
      state = after;
      if (!delta.isEmpty()) {
        out.add(agui("STATE_DELTA").put("delta", delta));
      }
    }
    out.add(custom(type, event.getValue("data")));
    if (data(event).getValue("to") instanceof String to && Lifecycle.terminal(to)) {
      finish(to, data(event).getString("reason"), out);
    } else if (EventTypes.TERMINAL.contains(type)) {
      finish(type.equals(EventTypes.DELETED) ? "deleted" : "expired", null, out);
    }
  }

  /** A move out of a terminal status (a reopen) starts a new run. */
  private static boolean reopens(JsonObject event) {
    return data(event).getValue("to") instanceof String to && !Lifecycle.terminal(to);
  }

  private void text(String name, String text, boolean closed, List<JsonObject> out) {
    if (!running || name == null) {
      return;
    }
    String messageId = workflowId + "/" + name;
    if (text != null && !text.isEmpty()) {
      if (open.add(name)) {
        out.add(agui("TEXT_MESSAGE_START").put("messageId", messageId).put("role", "assistant"));
      }
      out.add(agui("TEXT_MESSAGE_CONTENT").put("messageId", messageId).put("delta", text));
    }
    if (closed && open.remove(name)) {
      out.add(agui("TEXT_MESSAGE_END").put("messageId", messageId));
    }
  }

  private void start(String run, List<JsonObject> out) {
    runId = workflowId + ":" + run;
    running = true;
    out.add(agui("RUN_STARTED").put("threadId", workflowId).put("runId", runId));
  }

  /** Access ended (token expired or session revoked): the run ends with an error naming why. */
  List<JsonObject> authEnded(String code, String reason) {
    List<JsonObject> out = new ArrayList<>();
    if (running) {
      for (String name : List.copyOf(open)) {
        text(name, "", true, out);
      }
      out.add(agui("RUN_ERROR").put("code", code.equals("revoked") ? "session_revoked" : "token_expired")
          .put("message", reason));
      running = false;
    }
    return out;
  }

  /** The run ends with the workflow: completed finishes it, any other end is an error. */
  private void finish(String how, String reason, List<JsonObject> out) {
    for (String name : List.copyOf(open)) {
      text(name, "", true, out);
    }
    if (how.equals("completed")) {
      out.add(agui("RUN_FINISHED").put("threadId", workflowId).put("runId", runId));
    } else {
      out.add(agui("RUN_ERROR").put("code", how)
          .put("message", "the workflow is " + how + (reason == null ? "" : ": " + reason)));
    }
    running = false;
  }

  /**
   * JSON Patch operations (RFC 6902) that turn {@code before} into {@code after}: objects key by key, any
   * other value replaced whole.
   */
  static void diff(String path, JsonObject before, JsonObject after, JsonArray ops) {
    for (String key : before.fieldNames()) {
      if (!after.containsKey(key)) {
        ops.add(new JsonObject().put("op", "remove").put("path", path + "/" + escape(key)));
      }
    }
    for (String key : after.fieldNames()) {
      Object was = before.getValue(key);
      Object now = after.getValue(key);
      String at = path + "/" + escape(key);
      if (!before.containsKey(key)) {
        ops.add(new JsonObject().put("op", "add").put("path", at).put("value", now));
      } else if (was instanceof JsonObject a && now instanceof JsonObject b) {
        diff(at, a, b, ops);
      } else if (was == null ? now != null : !was.equals(now)) {
        ops.add(new JsonObject().put("op", "replace").put("path", at).put("value", now));
      }
    }
  }

  /** A JSON Pointer reference token (RFC 6901). */
  private static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
  }

  private static JsonObject data(JsonObject event) {
    return event.getValue("data") instanceof JsonObject o ? o : new JsonObject();
  }

  private static JsonObject custom(String name, Object value) {
    return agui("CUSTOM").put("name", name).put("value", value);
  }

  private static JsonObject agui(String type) {
    return new JsonObject().put("type", type);
  }
}
