package io.flowcast.interrupts;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Ids;
import io.flowcast.workflow.WorkflowRules;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Set;

/** Validates the bodies of interrupt commands, whoever sends them, with details a client can act on. */
final class InterruptRules {
  private static final Set<String> RAISE_FIELDS = Set.of("kind", "prompt", "schema", "expires_at");
  private static final Set<String> RESOLVE_FIELDS = Set.of("value");
  /** The longest prompt: a question for a person, not a document (put that in the workflow's state). */
  static final int MAX_PROMPT = 8192;
  /** The latest deadline: any later is a typo, and would not fit the epoch milliseconds the backends compare. */
  private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59.999Z");

  private final AnswerSchemas schemas;

  InterruptRules(AnswerSchemas schemas) {
    this.schemas = schemas;
  }

  /** A new open interrupt raised by {@code subject} at {@code now} from a body {kind, prompt, schema?, expires_at?}. */
  Interrupt raise(JsonObject body, String subject, Instant now) {
    checked(body, RAISE_FIELDS, "an interrupt {kind, prompt, schema?, expires_at?}");
    if (!(body.getValue("kind") instanceof String kind) || !Ids.valid(kind)) {
      throw ApiException.badRequest("kind is required and must be " + Ids.rule() + " (e.g. approve, edit)");
    }
    if (!(body.getValue("prompt") instanceof String prompt) || prompt.isEmpty() || prompt.length() > MAX_PROMPT) {
      throw ApiException.badRequest("prompt is required: a string of 1 to " + MAX_PROMPT + " characters");
    }
    Object schema = body.getValue("schema");
    if (schema != null && !(schema instanceof JsonObject)) {
      throw ApiException.badRequest("schema must be a JSON Schema object (draft 2020-12)");
    }
    if (schema != null) {
      schemas.check((JsonObject) schema);
    }
    Instant expires = expiresAt(body.getValue("expires_at"), now);
    return new Interrupt(Interrupt.newId(), kind, prompt, (JsonObject) schema, Interrupt.OPEN, null, subject, null, now,
        expires, null, 0);
  }

  /** The answer of a body {value}; {@code value} is required (null is a value, when the schema allows it). */
  Object value(JsonObject body) {
    checked(body, RESOLVE_FIELDS, "an answer {value}");
    if (!body.containsKey("value")) {
      throw ApiException.badRequest("value is required: the answer (any JSON value the interrupt's schema admits)");
    }
    return body.getValue("value");
  }

  /** Refuses (400) an answer the interrupt's schema does not admit; any value answers one without a schema. */
  void requireMatch(Interrupt interrupt, Object value) {
    if (interrupt.schema() != null) {
      schemas.requireMatch(interrupt.schema(), value);
    }
  }

  String status(String status) {
    if (status != null && !Interrupt.validStatus(status)) {
      throw ApiException.badRequest("status must be open, resolved, expired or closed");
    }
    return status;
  }

  private static Instant expiresAt(Object value, Instant now) {
    if (value == null) {
      return null;
    }
    Instant at;
    try {
      at = value instanceof String s ? OffsetDateTime.parse(s).toInstant() : null;
    } catch (DateTimeParseException e) {
      at = null;
    }
    if (at == null) {
      throw ApiException.badRequest("expires_at must be an RFC 3339 timestamp such as 2026-01-01T10:00:00Z");
    }
    if (at.isAfter(LATEST)) {
      throw ApiException.badRequest("expires_at must be before the year 10000");
    }
    if (!at.isAfter(now)) {
      throw ApiException.badRequest("expires_at must be in the future (it is " + value + ", now is " + now + ")");
    }
    return at.truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
  }

  private static void checked(JsonObject body, Set<String> allowed, String what) {
    if (body == null) {
      throw ApiException.badRequest("a JSON object body is required: " + what);
    }
    WorkflowRules.onlyFields(body, allowed, what);
  }
}
