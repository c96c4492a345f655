package io.flowcast.interrupts;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.Commands;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Instant;

/**
 * The interrupt commands of {@link Addresses} (docs/EVENTBUS.md), served in the workflow verticle: each
 * change passes through the mutation handoff (fan-out, durable record) before it is answered. The worker
 * that raised an interrupt learns the answer from the workflow's events ({@code interrupt.resolved}, on an
 * SSE stream or a bridge registration, on whichever instance it is connected to) or by reading the interrupt.
 */
public final class InterruptCommands implements Feature {
  private static final Logger log = LoggerFactory.getLogger(InterruptCommands.class);

  private final InterruptStore store;
  private final Clock clock;
  private InterruptRules rules;
  private MutationHandoff handoff;

  public InterruptCommands(InterruptStore store, Clock clock) {
    this.store = store;
    this.clock = clock;
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    this.handoff = handoff;
    // the meta-schemas are a few small files of the library's jar, read once here at start
    this.rules = new InterruptRules(new AnswerSchemas(vertx.fileSystem()));
    Commands.serve(vertx, Addresses.INTERRUPT_RAISE, log, this::raise);
    Commands.serve(vertx, Addresses.INTERRUPT_RESOLVE, log, this::resolve);
    Commands.serve(vertx, Addresses.INTERRUPT_GET, log, this::get);
    Commands.serve(vertx, Addresses.INTERRUPT_LIST, log, this::list);
  }

  private Future<JsonObject> raise(JsonObject b) {
    WorkflowKey key = CommandFields.key(b);
    var actor = CommandFields.actor(b);
    Interrupt interrupt = rules.raise(b.getJsonObject("body"), actor.subject(), Times.now(clock));
    return store.raise(key, interrupt, actor).compose(change -> handedOff(key, change, b));
  }

  /** Checks the answer against the interrupt's schema, then answers it (the store checks it is still open). */
  private Future<JsonObject> resolve(JsonObject b) {
    WorkflowKey key = CommandFields.key(b);
    String id = interruptId(b);
    Object value = rules.value(b.getJsonObject("body"));
    return one(key, id).compose(interrupt -> {
      // one that can no longer be answered is refused by the store, in its order (a terminal workflow first)
      if (Interrupt.OPEN.equals(interrupt.status(Times.now(clock)))) {
        rules.requireMatch(interrupt, value);
      }
      return store.resolve(key, interrupt, value, CommandFields.actor(b)).compose(change -> handedOff(key, change, b));
    });
  }

  private Future<JsonObject> get(JsonObject b) {
    return one(CommandFields.key(b), interruptId(b))
        .map(i -> new JsonObject().put("interrupt", i.toJson(Times.now(clock))));
  }

  private Future<JsonObject> list(JsonObject b) {
    String status = rules.status(b.getString("status"));
    return store.list(CommandFields.key(b)).map(all -> {
      Instant now = Times.now(clock);
      JsonArray items = new JsonArray();
      all.stream().filter(i -> status == null || status.equals(i.status(now))).forEach(i -> items.add(i.toJson(now)));
      return new JsonObject().put("items", items);
    });
  }

  private Future<Interrupt> one(WorkflowKey key, String id) {
    return store.list(key).compose(all -> all.stream().filter(i -> i.id().equals(id)).findFirst()
        .map(Future::succeededFuture).orElseGet(() -> Future.failedFuture(InterruptErrors.unknown(id))));
  }

  private Future<JsonObject> handedOff(WorkflowKey key, InterruptStore.Change change, JsonObject command) {
    Instant now = Times.now(clock);
    return handoff.apply(key, change.mutation(), command)
        .map(m -> new JsonObject().put("interrupt", change.interrupt().toJson(now)));
  }

  private static String interruptId(JsonObject b) {
    return CommandFields.id(b, "interrupt_id", "interrupt id");
  }
}
