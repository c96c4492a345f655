package io.flowcast.redis;

import io.flowcast.actions.EventRest;
import io.flowcast.bus.ApiException;
import io.flowcast.interrupts.Interrupt;
import io.flowcast.interrupts.InterruptErrors;
import io.flowcast.interrupts.InterruptEvents;
import io.flowcast.interrupts.InterruptStore;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Interrupts on Redis, shared by every instance: one hash per workflow, changed with the workflow's status and
 * its event by one script each ({@code lua/interrupt_raise.lua}, {@code lua/interrupt_resolve.lua}). Times come
 * from this instance's clock, as every event's {@code created_at} does.
 */
public final class RedisInterrupts implements InterruptStore {
  private final RedisCalls calls;
  private final RedisWorkflowStore store;

  RedisInterrupts(RedisWorkflowStore store) {
    this.calls = store.calls();
    this.store = store;
  }

  @Override
  public Future<Change> raise(WorkflowKey key, Interrupt interrupt, Actor actor) {
    Instant now = Times.now(store.clock());
    EventRest rest = EventRest.of(key, InterruptEvents.RAISED, actor, now);
    ScriptArgs args = ScriptArgs.of().put("interrupt_id", interrupt.id()).put("record", interrupt.record().encode())
        .put("expires_ms", interrupt.expiresAt() == null ? 0 : interrupt.expiresAt().toEpochMilli())
        .put("updated_at", Times.format(now)).put("data_head", InterruptEvents.head(InterruptEvents.raised(interrupt, now)))
        .put("rest_head", rest.head()).put("rest_tail", rest.tail()).put("max_open", MAX_OPEN);
    return run("interrupt_raise", key, actor, args).compose(r -> switch (r.outcome()) {
      case OK -> changed(key, r, new Interrupt(interrupt.id(), interrupt.kind(), interrupt.prompt(), interrupt.schema(),
          Interrupt.OPEN, null, interrupt.raisedBy(), null, interrupt.createdAt(), interrupt.expiresAt(), null,
          r.number("n")));
      case FULL -> Future.failedFuture(InterruptErrors.tooMany((int) r.number("open")));
      default -> refused(r, interrupt.id());
    });
  }

  @Override
  public Future<Change> resolve(WorkflowKey key, Interrupt current, Object value, Actor actor) {
    Instant now = Times.now(store.clock());
    // the record never changes once raised: the script checks what can (its state, the deadline, the workflow)
    Interrupt answered = current.resolved(value, actor.subject(), now);
    EventRest rest = EventRest.of(key, InterruptEvents.RESOLVED, actor, now);
    ScriptArgs args = ScriptArgs.of().put("interrupt_id", current.id()).put("answer", answered.answer().encode())
        .put("now_ms", now.toEpochMilli()).put("updated_at", Times.format(now))
        .put("data_head", InterruptEvents.head(InterruptEvents.resolved(answered)))
        .put("rest_head", rest.head()).put("rest_tail", rest.tail());
    return run("interrupt_resolve", key, actor, args).compose(r -> r.is(ScriptReply.Outcome.OK)
        ? changed(key, r, answered) : refused(r, current.id()));
  }

  @Override
  public Future<List<Interrupt>> list(WorkflowKey key) {
    return run("interrupt_read", key, null, ScriptArgs.of()).map(r -> {
      Map<String, String> fields = RedisReplies.fields(r.raw("fields"));
      List<Interrupt> all = new ArrayList<>();
      fields.forEach((field, value) -> {
        // the records are the fields named by an id alone (no ':'), apart from the counter and the deadlines
        if (field.indexOf(':') < 0 && !field.startsWith("#") && !field.equals("open")) {
          String answer = fields.get(field + ":answer");
          all.add(Interrupt.of(new JsonObject(value), fields.get(field + ":state"),
              answer == null ? null : new JsonObject(answer), Long.parseLong(fields.get(field + ":n"))));
        }
      });
      all.sort(Comparator.comparingLong(Interrupt::place));
      return all;
    });
  }

  /** The change a script made: the event it appended, and the workflow as it now is when it moved its status. */
  private Future<Change> changed(WorkflowKey key, ScriptReply r, Interrupt interrupt) {
    JsonObject event = new JsonObject(r.string("json"));
    long epoch = r.number("epoch");
    if (!event.getJsonObject("data").containsKey("to")) {
      return Future.succeededFuture(new Change(interrupt, new Mutation(null, event, epoch)));
    }
    // the status moved: the durable record gets the workflow with it (write-through reads it from the mutation)
    store.changedElsewhere(key);
    return store.get(key).map(w -> new Change(interrupt, new Mutation(w, event, epoch)))
        .recover(err -> Future.succeededFuture(new Change(interrupt, new Mutation(null, event, epoch))));
  }

  private static <T> Future<T> refused(ScriptReply r, String interruptId) {
    return Future.failedFuture(switch (r.outcome()) {
      case UNKNOWN -> InterruptErrors.unknown(interruptId);
      case SETTLED -> InterruptErrors.notOpen(interruptId, r.string("status"));
      case EXPIRED -> InterruptErrors.expired(interruptId);
      case BACKLOG -> ApiException.unavailable("the write buffer to PostgreSQL is full; retry shortly");
      default -> new IllegalStateException("script answered " + r.outcome());
    });
  }

  /** Runs a script; a workflow that is not in Redis may live on in PostgreSQL: reading it puts it back. */
  private Future<ScriptReply> run(String script, WorkflowKey key, Actor actor, ScriptArgs args) {
    return calls.run(script, key, actor, args).compose(r -> !r.is(ScriptReply.Outcome.MISSING)
        ? Future.succeededFuture(r)
        : store.get(key).compose(w -> calls.run(script, key, actor, args)).compose(again ->
            again.is(ScriptReply.Outcome.MISSING) ? Future.failedFuture(ApiException.notFound("workflow '" + key.id()
                + "' does not exist")) : Future.succeededFuture(again)));
  }
}
