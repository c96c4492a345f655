package io.flowcast.redis;

import io.vertx.redis.client.Response;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A workflow script's reply: its outcome, then named values ({@code reply('ok', 'id', id, 'seq', seq)} in
 * {@code _lib.lua}). Read by name, never by position.
 */
public final class ScriptReply {

  /** Every outcome a workflow script answers with. */
  public enum Outcome {
    /** Done. */
    OK,
    /** The workflow is not in Redis. */
    MISSING,
    /** What the caller computed from changed meanwhile: read again. */
    STALE,
    /** The write buffer to PostgreSQL is full. */
    BACKLOG,
    /** create: the id is taken. */
    EXISTS,
    /** create: Redis does not know the id; ask PostgreSQL first. */
    CHECK,
    /** expired: the workflow is there after all. */
    ALIVE,
    /** expired: already announced; restore: deleted since. */
    GONE,
    /** restore: already in Redis. */
    PRESENT,
    /** restore: put back. */
    RESTORED,
    /** restore: newer events are still in the write buffer. */
    BEHIND,
    /** claim: nothing to hand out. */
    NONE,
    /** an action id the workflow does not have. */
    UNKNOWN,
    /** settle: the action is not claimed. */
    SETTLED,
    /** settle: another worker holds the lease. */
    LOST,
    /** interrupt_raise: the workflow has as many unanswered interrupts as it may have. */
    FULL,
    /** interrupt_resolve: the interrupt's expires_at has passed. */
    EXPIRED,
    /** any workflow script: the request's Idempotency-Key reservation is no longer its own (_lib.lua). */
    UNCLAIMED,
    /** a change, event or action of a workflow whose status is terminal (closed() in _lib.lua). */
    TERMINAL,
    /** output_append, output_close: the output is closed. */
    OUTPUT_CLOSED,
    /** output_append: the output's length is not the offset the caller expected. */
    OUTPUT_MOVED,
    /** output_append: the text would exceed outputs.max_chars. */
    OUTPUT_FULL
  }

  private final String script;
  private final Outcome outcome;
  private final Map<String, Response> values = new HashMap<>();

  private ScriptReply(String script, Response reply) {
    this.script = script;
    String first = reply.get(0).toString();
    try {
      this.outcome = Outcome.valueOf(first.toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException("script " + script + " answered an unknown outcome '" + first + "'");
    }
    for (int i = 1; i + 1 < reply.size(); i += 2) {
      values.put(reply.get(i).toString(), reply.get(i + 1));
    }
  }

  static ScriptReply of(String script, Response reply) {
    return new ScriptReply(script, reply);
  }

  public Outcome outcome() {
    return outcome;
  }

  public boolean is(Outcome expected) {
    return outcome == expected;
  }

  /** Whether the reply carries a value of that name. */
  public boolean has(String name) {
    return values.containsKey(name);
  }

  public String string(String name) {
    return raw(name).toString();
  }

  public long number(String name) {
    return Long.parseLong(string(name));
  }

  public boolean flag(String name) {
    return string(name).equals("1");
  }

  /** A value as Redis sent it (an array, a nested reply). */
  public Response raw(String name) {
    Response value = values.get(name);
    if (value == null) {
      throw new IllegalStateException("script " + script + " answered " + outcome + " without '" + name + "'");
    }
    return value;
  }
}
