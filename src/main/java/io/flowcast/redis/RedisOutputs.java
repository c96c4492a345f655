package io.flowcast.redis;

import io.flowcast.actions.EventRest;
import io.flowcast.bus.ApiException;
import io.flowcast.outputs.OutputErrors;
import io.flowcast.outputs.OutputEvents;
import io.flowcast.outputs.OutputStreams;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs on Redis, shared by every instance: one hash per workflow beside its state
 * ({@link RedisKeys#outputs}), changed by {@code lua/output_*.lua}, each of which publishes on the
 * workflow's channel in the same step (the delta, or the event it appends).
 */
final class RedisOutputs implements OutputStreams {
  /** Bytes of an output's open segment before it is sealed: what an append copies at most, besides its chunk. */
  static final int SEGMENT_BYTES = 8192;
  private final RedisCalls calls;
  private final RedisWorkflowStore store;

  RedisOutputs(RedisWorkflowStore store) {
    this.calls = store.calls();
    this.store = store;
  }

  @Override
  public Future<Appended> append(WorkflowKey key, String name, String text, Long expectedOffset, long maxChars,
      Actor actor) {
    ScriptArgs args = ScriptArgs.of().put("name", name).put("text", text).put("units", text.length())
        .put("expected", expectedOffset == null ? "" : String.valueOf(expectedOffset)).put("max", maxChars).put("segment", SEGMENT_BYTES)
        .put("delta_head", OutputEvents.deltaHead(key.id(), name)).put("delta_tail", OutputEvents.deltaTail(text));
    return run("output_append", key, actor, args).compose(r -> switch (r.outcome()) {
      case OK -> Future.succeededFuture(new Appended(r.number("offset"), r.number("length")));
      case OUTPUT_CLOSED -> Future.failedFuture(OutputErrors.closed(name));
      case OUTPUT_MOVED -> Future.failedFuture(OutputErrors.offsetMoved(name, r.number("length")));
      case OUTPUT_FULL -> Future.failedFuture(OutputErrors.tooLarge(name, maxChars));
      default -> Future.failedFuture(new IllegalStateException("output_append answered " + r.outcome()));
    });
  }

  @Override
  public Future<Mutation> rollUp(WorkflowKey key, String name, Actor actor) {
    EventRest rest = EventRest.of(key, EventTypes.OUTPUT_APPENDED, actor, Times.now(store.clock()));
    return run("output_rollup", key, actor, ScriptArgs.of().put("name", name).put("rest_head", rest.head())
        .put("rest_tail", rest.tail())).compose(RedisOutputs::mutation);
  }

  @Override
  public Future<Mutation> close(WorkflowKey key, String name, boolean cancelled, Actor actor) {
    EventRest rest = EventRest.of(key, EventTypes.OUTPUT_CLOSED, actor, Times.now(store.clock()));
    return run("output_close", key, cancelled ? null : actor, ScriptArgs.of().put("name", name)
        .put("cancelled", cancelled ? "1" : "0").put("rest_head", rest.head()).put("rest_tail", rest.tail()))
        .compose(r -> r.is(ScriptReply.Outcome.OUTPUT_CLOSED) ? Future.failedFuture(OutputErrors.closed(name))
            : mutation(r));
  }

  @Override
  public Future<List<Output>> list(WorkflowKey key, boolean openOnly) {
    return run("output_list", key, null, ScriptArgs.of().put("open_only", openOnly)).map(r -> {
      Response fields = r.raw("fields");
      Map<String, String> all = new HashMap<>();
      for (int i = 0; i + 1 < fields.size(); i += 2) {
        all.put(fields.get(i).toString(), fields.get(i + 1).toString());
      }
      List<Output> outputs = new ArrayList<>();
      all.forEach((field, value) -> {
        if (field.startsWith("n:")) {
          String name = field.substring(2);
          StringBuilder text = new StringBuilder();
          int sealed = Integer.parseInt(all.getOrDefault("k:" + name, "0"));
          for (int i = 0; i < sealed; i++) {
            text.append(all.getOrDefault("s:" + name + ":" + i, ""));
          }
          text.append(all.getOrDefault("t:" + name, ""));
          outputs.add(new Output(name, text.toString(), all.containsKey("c:" + name)));
        }
      });
      return outputs;
    });
  }

  private static Future<Mutation> mutation(ScriptReply r) {
    return switch (r.outcome()) {
      case OK -> Future.succeededFuture(r.has("json")
          ? new Mutation(null, new JsonObject(r.string("json")), r.number("epoch")) : new Mutation(null, null, 0));
      case BACKLOG -> Future.failedFuture(ApiException.unavailable("the write buffer to PostgreSQL is full; "
          + "retry shortly"));
      default -> Future.failedFuture(new IllegalStateException("output script answered " + r.outcome()));
    };
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
