package io.flowcast.outputs;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * A workflow's named output streams (docs/API.md, "Outputs"): text appended chunk by chunk, kept with the
 * workflow while it lives. Each chunk is published at once as an ephemeral {@code output.delta} (no id, no
 * seq: not in the log) carrying its offset; the log gets one {@code output.appended} per roll-up (the text
 * since the last one) and one {@code output.closed} with the whole text. Offsets and lengths count UTF-16
 * code units (a browser's string length). Every step is atomic with its publication, on either backend.
 */
public interface OutputStreams {

  /** An output as it is now. */
  record Output(String name, String text, boolean closed) {
    public JsonObject toJson() {
      return new JsonObject().put("name", name).put("text", text).put("closed", closed);
    }
  }

  /** Where an appended chunk begins, and the output's length after it. */
  record Appended(long offset, long length) {
  }

  /**
   * Appends {@code text} to the output (opening it with its first chunk) and publishes the delta. Fails
   * with 409 when the output is closed or the workflow terminal, 412 when {@code expectedOffset} (null: any)
   * is not the output's length, 413 when the text would exceed {@code maxChars}.
   */
  Future<Appended> append(WorkflowKey key, String name, String text, Long expectedOffset, long maxChars, Actor actor);

  /** Writes the text appended since the last roll-up as one {@code output.appended}; a null event when there is none. */
  Future<Mutation> rollUp(WorkflowKey key, String name, Actor actor);

  /**
   * Closes the output with {@code output.closed} (the whole text; an output never appended to closes
   * empty); 409 when it is closed already. {@code cancelled}: the close of a cancel, allowed on the
   * cancelled workflow (its event says {@code "reason": "cancelled"}).
   */
  Future<Mutation> close(WorkflowKey key, String name, boolean cancelled, Actor actor);

  /**
   * Every output of the workflow (open and closed; only the open ones with {@code openOnly}), in no particular
   * order; 404 for an unknown workflow.
   */
  Future<List<Output>> list(WorkflowKey key, boolean openOnly);
}
