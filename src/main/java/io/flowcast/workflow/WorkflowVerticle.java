package io.flowcast.workflow;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.Commands;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.health.FlowcastMeters;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.function.Function;

/**
 * Owns every mutation of workflows and their events. Answers the workflow commands of {@link Addresses}
 * and those of the features it is given; the store publishes each event as it appends it, and this
 * verticle hands every change on to the durable record.
 */
public final class WorkflowVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(WorkflowVerticle.class);

  private final FlowcastConfig config;
  private final WorkflowStore store;
  private final boolean persistence;
  private final FlowcastMeters meters;
  private final List<Feature> features;
  private final Clock clock;
  private int sinceFlush;
  private WorkflowRules rules;
  private long sweepTimer = -1;
  private final KeyedSerializer<WorkflowKey> writers = new KeyedSerializer<>();

  /** @param persistence whether changes also go to PostgreSQL (write-behind or write-through, per config) */
  public WorkflowVerticle(FlowcastConfig config, WorkflowStore store, boolean persistence, FlowcastMeters meters,
      List<Feature> features, Clock clock) {
    this.features = List.copyOf(features);
    this.clock = clock;
    this.config = config;
    this.store = store;
    this.persistence = persistence;
    this.meters = meters;
  }

  @Override
  public Future<?> start() {
    rules = new WorkflowRules(config.defaultTtlSeconds(), config.maxTtlSeconds());
    handle(Addresses.WORKFLOW_CREATE, this::create);
    handle(Addresses.WORKFLOW_GET, b -> store.get(key(b)).map(Workflow::toBusJson));
    handle(Addresses.WORKFLOW_LIST, this::list);
    handle(Addresses.WORKFLOW_PATCH, this::patch);
    handle(Addresses.WORKFLOW_REOPEN, this::reopen);
    handle(Addresses.WORKFLOW_CANCEL, this::cancel);
    handle(Addresses.WORKFLOW_DELETE, b -> {
      WorkflowKey key = key(b);
      return store.delete(key, actor(b)).compose(m -> handoff(key, m, b)).map(m -> new JsonObject());
    });
    handle(Addresses.EVENT_APPEND, b -> {
      WorkflowKey key = key(b);
      return store.appendEvent(key, rules.customEvent(b.getJsonObject("event")), actor(b))
          .compose(m -> handoff(key, m, b))
          .map(m -> new JsonObject().put("event", m.event()));
    });
    // the event, when this call was the one that announced it (the fan-out delivers it locally at once)
    handle(Addresses.WORKFLOW_EXPIRED, b -> store.expired(key(b)).map(event -> new JsonObject().put("event", event)));
    handle(Addresses.EVENTS_READ, this::readEvents);
    features.forEach(feature -> feature.register(vertx, this::handoff));
    sweepTimer = vertx.setPeriodic(config.expirySweepMs(), id -> sweepExpired());
    log.info("workflow store: {}", store.name());
    return Future.succeededFuture();
  }

  @Override
  public Future<?> stop() {
    vertx.cancelTimer(sweepTimer);
    return Future.succeededFuture();
  }

  private Future<JsonObject> create(JsonObject body) {
    JsonObject spec = body.getJsonObject("body", new JsonObject());
    WorkflowKey key = new WorkflowKey(tenant(body), rules.idForCreate(spec));
    return store.create(key, rules.newWorkflow(spec), actor(body)).compose(m -> handoff(key, m, body))
        .map(m -> m.workflow().toBusJson());
  }

  private Future<JsonObject> list(JsonObject body) {
    String status = body.getString("status");
    if (status != null && !WorkflowStatus.valid(status)) {
      throw ApiException.badRequest("status must be " + WorkflowStatus.describe());
    }
    int limit = limit(body, config.listDefaultLimit(), config.listMaxLimit());
    // live: the tenant feed's snapshot, which must hold every change acknowledged before it
    Future<WorkflowPage> read = body.getBoolean("live", false)
        ? store.listLive(tenant(body), status, limit, body.getString("cursor"))
        : store.list(tenant(body), status, limit, body.getString("cursor"));
    return read.map(page -> new JsonObject()
        .put("items", new JsonArray(page.items().stream().map(Workflow::toJson).toList()))
        .put("next_cursor", page.nextCursor()));
  }

  private Future<JsonObject> patch(JsonObject body) {
    JsonObject patch = rules.patch(body.getJsonObject("patch"));
    Long ifMatch = body.getLong("if_match");
    WorkflowKey key = key(body);
    return writers.run(key, () -> store.patch(key, patch, ifMatch, actor(body))).compose(m -> handoff(key, m, body))
        .map(m -> m.workflow().toBusJson());
  }

  private Future<JsonObject> reopen(JsonObject body) {
    JsonObject spec = body.getValue("body") == null ? new JsonObject() : body.getJsonObject("body");
    WorkflowRules.onlyFields(spec, java.util.Set.of("status"), "a reopen");
    String status = Lifecycle.reopenTarget(spec.getValue("status"));
    Long ifMatch = body.getLong("if_match");
    WorkflowKey key = key(body);
    return writers.run(key, () -> store.reopen(key, status, ifMatch, actor(body))).compose(m -> handoff(key, m, body))
        .map(m -> m.workflow().toBusJson());
  }

  private Future<JsonObject> cancel(JsonObject body) {
    JsonObject spec = body.getValue("body") == null ? new JsonObject() : body.getJsonObject("body");
    WorkflowRules.onlyFields(spec, java.util.Set.of("reason"), "a cancel");
    String reason = Lifecycle.cancelReason(spec.getValue("reason"));
    Long ifMatch = body.getLong("if_match");
    WorkflowKey key = key(body);
    return writers.run(key, () -> store.cancel(key, reason, ifMatch, actor(body))).compose(m -> handoff(key, m, body))
        .compose(m -> afterCancel(key, body).map(m))
        .map(m -> m.workflow().toBusJson());
  }

  /**
   * What the features end with a cancel (open outputs close), before the cancel is answered. The cancel
   * itself is done: a feature that could not follow (Redis down) is logged, not turned into a failed cancel.
   */
  private Future<Void> afterCancel(WorkflowKey key, JsonObject body) {
    return Future.join(features.stream().map(f -> f.cancelled(key, body)).toList()).<Void>mapEmpty()
        .recover(err -> {
          log.warn("cancel of {}: a feature could not end what it keeps ({})", key, err.toString());
          return Future.succeededFuture();
        });
  }

  private Future<JsonObject> readEvents(JsonObject body) {
    int limit = limit(body, config.eventsMaxLimit(), config.eventsMaxLimit());
    String after = body.getString("after");
    if (after != null && EventId.parse(after) == null) {
      throw ApiException.badRequest("after must be an event id such as 1700000000000-0");
    }
    return store.events(key(body), after, limit).map(slice -> new JsonObject()
        .put("events", new JsonArray(slice.events()))
        .put("after_known", slice.afterKnown())
        .put("has_more", slice.hasMore()));
  }

  private void sweepExpired() {
    store.expire(Times.now(clock)).onSuccess(expired -> expired.forEach(m -> counted(m.workflow().key(), m)))
        .onFailure(err -> log.warn("expiry sweep failed: {}", err.toString()));
  }

  /** What every command does with its mutation: fan-out, then durability. */
  private Future<Mutation> handoff(WorkflowKey key, Mutation mutation, JsonObject command) {
    return durable(key, counted(key, mutation), command);
  }

  /** Counts a committed event (the store published it as it appended it). */
  private Mutation counted(WorkflowKey key, Mutation mutation) {
    if (mutation.event() != null) {
      meters.published();
    }
    return mutation;
  }

  /**
   * Write-through: answers only once PostgreSQL has the change. Write-behind: the change is already in
   * the write buffer; the flusher is nudged when a workflow finishes or many changes accumulated.
   */
  private Future<Mutation> durable(WorkflowKey key, Mutation mutation, JsonObject command) {
    if (!persistence || mutation.event() == null) {
      return Future.succeededFuture(mutation);
    }
    if (config.persistenceMode().equals("write-through")) {
      JsonObject records = new JsonObject().put("records", new JsonArray()
          .add(flushRecord(key, mutation, command.getString("request_id"))));
      return vertx.eventBus().request(Addresses.FLUSH_WRITE, records,
              new io.vertx.core.eventbus.DeliveryOptions().setSendTimeout(config.pgTimeoutMs() + 1000))
          .map(reply -> mutation)
          .recover(err -> Future.failedFuture(ApiException.unavailable("the change is in Redis but PostgreSQL did "
              + "not confirm it (write-through); it is written later from the buffer, so check before retrying")));
    }
    Workflow w = mutation.workflow();
    boolean finished = w != null && Lifecycle.terminal(w.status());
    if (finished || ++sinceFlush >= config.flushThreshold()) {
      sinceFlush = 0;
      vertx.eventBus().send(Addresses.FLUSH_NOW, null);
    }
    return Future.succeededFuture(mutation);
  }

  /** A change as {@link Addresses#FLUSH_WRITE} carries it (docs/EVENTBUS.md). */
  private static JsonObject flushRecord(WorkflowKey key, Mutation mutation, String requestId) {
    Workflow w = mutation.workflow();
    String type = mutation.event().getString("type");
    boolean changesWorkflow = w != null && EventTypes.WITH_WORKFLOW.contains(type);
    JsonObject snapshot = !changesWorkflow ? null : w.toSnapshotJson();
    return new JsonObject().put("workflow", key.tag()).put("generation", mutation.epoch())
        .put("event", mutation.event()).put("request_id", requestId).put("snapshot", snapshot);
  }

  private void handle(String address, Function<JsonObject, Future<JsonObject>> handler) {
    Commands.serve(vertx, address, log, handler);
  }

  private static WorkflowKey key(JsonObject body) {
    return CommandFields.key(body);
  }

  private static String tenant(JsonObject body) {
    return CommandFields.tenant(body);
  }

  private static Actor actor(JsonObject body) {
    return CommandFields.actor(body);
  }

  private static int limit(JsonObject body, int defaultLimit, int max) {
    return CommandFields.limit(body, defaultLimit, max);
  }
}
