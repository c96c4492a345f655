package io.flowcast.outputs;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.Commands;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The output commands of {@link Addresses} (docs/EVENTBUS.md), served in the workflow verticle. A chunk is
 * published at once by the backend; its text reaches the log at the end of the roll-up window this
 * instance opened with the first chunk after the last roll-up (one timer per output), or with the close.
 * Instances roll up independently (each its own window), so an output's durable events are bounded by its
 * duration over the window (times the instances appending to it), never by its chunks.
 */
public final class OutputCommands implements Feature {
  private static final Logger log = LoggerFactory.getLogger(OutputCommands.class);

  private final OutputStreams outputs;
  private final FlowcastConfig.Outputs config;
  private MutationHandoff handoff;
  private Vertx vertx;
  /** The roll-up timers of this instance, by workflow tag and output name. */
  private final Map<String, Long> windows = new HashMap<>();

  public OutputCommands(OutputStreams outputs, FlowcastConfig.Outputs config) {
    this.outputs = outputs;
    this.config = config;
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    this.vertx = vertx;
    this.handoff = handoff;
    Commands.serve(vertx, Addresses.OUTPUT_APPEND, log, this::append);
    Commands.serve(vertx, Addresses.OUTPUT_CLOSE, log, this::close);
    Commands.serve(vertx, Addresses.OUTPUT_GET, log, this::get);
    Commands.serve(vertx, Addresses.OUTPUT_LIST, log, b -> outputs.list(CommandFields.key(b),
            b.getBoolean("open_only", false))
        .map(all -> new JsonObject().put("outputs", new JsonArray(all.stream().map(OutputStreams.Output::toJson).toList()))));
  }

  private Future<JsonObject> append(JsonObject b) {
    WorkflowKey key = CommandFields.key(b);
    String name = name(b);
    JsonObject body = b.getJsonObject("body", new JsonObject());
    WorkflowRules.onlyFields(body, Set.of("text", "offset"), "an append");
    if (!(body.getValue("text") instanceof String text) || text.isEmpty()) {
      throw ApiException.badRequest("text must be a non-empty string");
    }
    Object offset = body.getValue("offset");
    if (offset != null && !(offset instanceof Number n && n.longValue() >= 0 && n.doubleValue() == n.longValue())) {
      throw ApiException.badRequest("offset must be a whole number of characters, 0 or more");
    }
    Actor actor = CommandFields.actor(b);
    return outputs.append(key, name, text, offset == null ? null : ((Number) offset).longValue(), config.maxChars(),
            actor)
        .onSuccess(a -> rollUpLater(key, name, actor))
        .map(a -> new JsonObject().put("name", name).put("offset", a.offset()).put("length", a.length()));
  }

  private Future<JsonObject> close(JsonObject b) {
    WorkflowKey key = CommandFields.key(b);
    String name = name(b);
    JsonObject body = b.getValue("body") == null ? new JsonObject() : b.getJsonObject("body");
    WorkflowRules.onlyFields(body, Set.of(), "a close");
    return closeOne(key, name, false, b).compose(v -> get(b));
  }

  private Future<JsonObject> get(JsonObject b) {
    String name = name(b);
    return outputs.list(CommandFields.key(b), false).compose(all -> all.stream().filter(o -> o.name().equals(name))
        .findFirst().map(o -> Future.succeededFuture(o.toJson()))
        .orElseGet(() -> Future.failedFuture(OutputErrors.unknown(name))));
  }

  /** A cancel closes every open output (its events say {@code "reason": "cancelled"}). */
  @Override
  public Future<Void> cancelled(WorkflowKey key, JsonObject command) {
    return outputs.list(key, true).compose(all -> Future.all(all.stream().filter(o -> !o.closed())
        .map(o -> closeOne(key, o.name(), true, command)).toList())).mapEmpty();
  }

  private Future<Void> closeOne(WorkflowKey key, String name, boolean cancelled, JsonObject command) {
    Long timer = windows.remove(window(key, name));
    if (timer != null) {
      vertx.cancelTimer(timer); // the close carries the whole text
    }
    return outputs.close(key, name, cancelled, CommandFields.actor(command))
        .compose(m -> handoff.apply(key, m, command)).mapEmpty();
  }

  /** Opens a roll-up window for the output unless this instance has one open. */
  private void rollUpLater(WorkflowKey key, String name, Actor actor) {
    String window = window(key, name);
    if (windows.containsKey(window)) {
      return;
    }
    Actor system = new Actor(actor.subject(), actor.requestId());
    windows.put(window, vertx.setTimer(config.rollupMs(), id -> {
      windows.remove(window);
      JsonObject command = new JsonObject().put("request_id", actor.requestId());
      outputs.rollUp(key, name, system)
          .compose(m -> m.event() == null ? Future.succeededFuture(m) : handoff.apply(key, m, command))
          .onFailure(err -> {
            ApiException api = ApiException.from(err);
            if (api.status() == 503) {
              rollUpLater(key, name, system); // the text waits in the output: try again next window
            } else if (api.status() != 404 && api.status() != 409) {
              log.warn("rolling up output {} of {} failed: {}", name, key, err.toString());
            }
          });
    }));
  }

  private static String window(WorkflowKey key, String name) {
    return key.tag() + "\n" + name;
  }

  private static String name(JsonObject b) {
    return CommandFields.id(b, "name", "output name");
  }
}
