package io.flowcast.interrupts;

import io.flowcast.workflow.EventTypes;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * The {@code data} of the interrupt events. When the step moved the workflow's status, the data also carries
 * {@code from} and {@code to} (as {@code status.changed} does); the Redis scripts add them, since only they
 * know the status in the step, so the Java side hands them the data without its closing brace ({@link #head}).
 */
public final class InterruptEvents {
  public static final String RAISED = EventTypes.INTERRUPT_RAISED;
  public static final String RESOLVED = EventTypes.INTERRUPT_RESOLVED;

  private InterruptEvents() {
  }

  /** The interrupt as raised: its whole representation, open. */
  public static JsonObject raised(Interrupt i, Instant now) {
    return i.toJson(now);
  }

  /** The answer: which interrupt, its kind, and the value with who gave it and when. */
  public static JsonObject resolved(Interrupt i) {
    return new JsonObject().put("id", i.id()).put("kind", i.kind()).put("status", Interrupt.RESOLVED)
        .mergeIn(i.answer());
  }

  /** {@code data} with the status move, when there was one. */
  public static JsonObject moved(JsonObject data, String from, String to) {
    return from == null ? data : data.copy().put("from", from).put("to", to);
  }

  /** The JSON of {@code data} without its closing brace, for a script to finish. */
  public static String head(JsonObject data) {
    String json = data.encode();
    return json.substring(0, json.length() - 1);
  }
}
