package io.flowcast.sse;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.FeedChange;
import io.flowcast.health.FlowcastMeters;
import io.flowcast.workflow.EventTypes;
import io.flowcast.bus.BusClient;
import io.netty.buffer.ByteBuf;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.json.JsonObject;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The SSE streams and bridge subscriptions ({@link FeedOwner}s) of one HTTP verticle, and their workflow
 * feeds by workflow, and its tenant feeds ({@link TenantFeedStream}) by tenant. Holds this verticle's
 * interest in each workflow at the fan-out verticle, encodes each delivered event once and hands the
 * same buffer to every feed, and sends the heartbeat. Lives on the verticle's event loop: no locks.
 */
public final class StreamRegistry {
  private final Vertx vertx;
  private final BusClient bus;
  private final FlowcastMeters meters;
  private final Set<ClientStream> streams = new LinkedHashSet<>();
  /** The tenant feeds by tenant, and this verticle's interest in each tenant at the fan-out verticle. */
  private final Map<String, Set<TenantFeedStream>> tenantFeeds = new HashMap<>();
  private final Map<String, Future<JsonObject>> tenantSubscriptions = new HashMap<>();
  /** What ended streams still do (see {@link #ending}). */
  private final Set<Future<?>> endings = new java.util.HashSet<>();
  /** Tenant feeds with changes to write at the next flush. */
  private final Set<TenantFeedStream> dirtyFeeds = new LinkedHashSet<>();
  private final Map<String, Set<WorkflowFeed>> feeds = new HashMap<>();
  /** The feeds of a workflow as an array, made again only after a feed came or went (not per event). */
  private final Map<String, WorkflowFeed[]> watching = new HashMap<>();
  private static final WorkflowFeed[] NONE = new WorkflowFeed[0];
  private static final FrameFormat[] FORMATS = FrameFormat.values();
  /**
   * By format: the last shared frame a stream asked the HTTP/1.1 chunk of, and that chunk ({@link #chunkOf}),
   * so an event's chunk is framed once per verticle, not once per stream.
   */
  private final Buffer[] chunked = new Buffer[FORMATS.length];
  private final ByteBuf[] chunks = new ByteBuf[FORMATS.length];
  /** Deliveries of the event being fanned out, counted once it was written to every stream. */
  private long deliveredNow;
  private boolean fanningOut;
  /** Writes of held live frames not yet counted. */
  private long liveWritesNow;
  /**
   * Streams holding live frames, in the order they got them; written {@link #WRITE_SLICE} at a time,
   * each slice a task of its own on the event loop. A stream whose frames went out early (before
   * another write) may be here twice; its second turn writes nothing.
   */
  private final ArrayDeque<FeedOwner> holding = new ArrayDeque<>();
  private boolean writeScheduled;
  /**
   * Streams written per slice. Between two slices the event loop reads its sockets and runs what else
   * is queued: events that arrive meanwhile join the frames still held, so under load each write
   * carries several events (fewer system calls per delivery), while a lone event is written as soon as
   * before.
   */
  static final int WRITE_SLICE = 64;
  /** Internal API for {@link #writeNextSlice}: the Netty event loop under the verticle's context. */
  private ContextInternal context;
  private final Map<String, Future<JsonObject>> subscriptions = new HashMap<>();
  private MessageConsumer<EventDelivery> consumer;
  private MessageConsumer<JsonObject> resyncConsumer;
  private MessageConsumer<JsonObject> revokedConsumer;
  private MessageConsumer<FeedChange> feedConsumer;
  private MessageConsumer<JsonObject> feedResyncConsumer;
  private long heartbeatTimer = -1;

  public StreamRegistry(Vertx vertx, BusClient bus, FlowcastMeters meters) {
    this.vertx = vertx;
    this.bus = bus;
    this.meters = meters;
  }

  FlowcastMeters meters() {
    return meters;
  }

  public Future<Void> start(long heartbeatMs) {
    context = (ContextInternal) vertx.getOrCreateContext();
    consumer = vertx.eventBus().<EventDelivery>consumer(Addresses.SSE_DELIVER, m -> deliver(m.body()));
    resyncConsumer = vertx.eventBus().consumer(Addresses.SSE_RESYNC, m -> m.body().getJsonArray("workflows")
        .forEach(w -> java.util.Arrays.stream(feedsOf((String) w)).forEach(WorkflowFeed::resync)));
    revokedConsumer = vertx.eventBus().consumer(Addresses.SESSION_REVOKED, m -> revoked(m.body().getString("sid")));
    feedConsumer = vertx.eventBus().<FeedChange>consumer(Addresses.SSE_FEED, m -> feedChange(m.body()));
    feedResyncConsumer = vertx.eventBus().consumer(Addresses.SSE_FEED_RESYNC, m -> m.body().getJsonArray("tenants")
        .forEach(t -> feedsOfTenant((String) t).forEach(TenantFeedStream::resync)));
    heartbeatTimer = vertx.setPeriodic(heartbeatMs, id -> heartbeat());
    return Future.all(consumer.completion(), resyncConsumer.completion(), feedConsumer.completion(),
        feedResyncConsumer.completion()).mapEmpty();
  }

  /** Counts a stream as open and gives it the heartbeat and session revocation. */
  void add(ClientStream stream) {
    if (streams.add(stream)) {
      meters.streamOpened();
    }
  }

  /** Forgets a stream and every feed of it. */
  void remove(FeedOwner stream) {
    if (!streams.remove(stream)) {
      return;
    }
    meters.streamClosed();
    stream.feeds().forEach(this::unsubscribe);
  }

  /**
   * Registers a tenant feed (counted as an open stream); the future completes once changes of its tenant
   * reach this instance.
   */
  Future<Void> follow(TenantFeedStream feed) {
    add(feed);
    String tenant = feed.tenant();
    tenantFeeds.computeIfAbsent(tenant, t -> new LinkedHashSet<>()).add(feed);
    Future<JsonObject> subscribed = tenantSubscriptions.computeIfAbsent(tenant,
        t -> bus.request(Addresses.FANOUT_FEED_SUBSCRIBE, new JsonObject().put("tenant", t)));
    return subscribed.<Void>mapEmpty().onFailure(err -> tenantSubscriptions.remove(tenant, subscribed));
  }

  /** Forgets a tenant feed. */
  void unfollow(TenantFeedStream feed) {
    if (streams.remove(feed)) {
      meters.streamClosed();
    }
    String tenant = feed.tenant();
    Set<TenantFeedStream> set = tenantFeeds.get(tenant);
    if (set == null || !set.remove(feed) || !set.isEmpty()) {
      return;
    }
    tenantFeeds.remove(tenant);
    Future<JsonObject> subscribed = tenantSubscriptions.remove(tenant);
    if (subscribed != null) {
      subscribed.onSuccess(v -> bus.send(Addresses.FANOUT_FEED_UNSUBSCRIBE, new JsonObject().put("tenant", tenant)));
    }
  }

  /** Hands a change to the tenant's feeds, its frame encoded once for all; they write it at the next flush. */
  private void feedChange(FeedChange change) {
    Set<TenantFeedStream> set = tenantFeeds.get(change.tenant());
    if (set == null) {
      return;
    }
    FeedFrame frame = new FeedFrame(change);
    for (TenantFeedStream feed : set) {
      if (feed.change(frame) && dirtyFeeds.add(feed) && dirtyFeeds.size() == 1) {
        // once per event-loop turn: the changes that arrive in this turn share each feed's one write
        context.runOnContext(v -> flushFeeds());
      }
    }
  }

  private void flushFeeds() {
    List<TenantFeedStream> due = List.copyOf(dirtyFeeds);
    dirtyFeeds.clear();
    due.forEach(TenantFeedStream::flush);
  }

  private List<TenantFeedStream> feedsOfTenant(String tenant) {
    Set<TenantFeedStream> set = tenantFeeds.get(tenant);
    return set == null ? List.of() : List.copyOf(set);
  }

  /** Registers a feed; the future completes once events of its workflow reach this instance. */
  Future<Void> subscribe(WorkflowFeed feed) {
    String workflow = feed.workflow();
    feeds.computeIfAbsent(workflow, w -> new LinkedHashSet<>()).add(feed);
    watching.remove(workflow);
    Future<JsonObject> subscribed = subscriptions.computeIfAbsent(workflow,
        w -> bus.request(Addresses.FANOUT_SUBSCRIBE, new JsonObject().put("workflow", w)));
    return subscribed.<Void>mapEmpty().onFailure(err -> subscriptions.remove(workflow, subscribed));
  }

  void unsubscribe(WorkflowFeed feed) {
    String workflow = feed.workflow();
    Set<WorkflowFeed> set = feeds.get(workflow);
    if (set == null || !set.remove(feed)) {
      return;
    }
    watching.remove(workflow);
    if (!set.isEmpty()) {
      return;
    }
    feeds.remove(workflow);
    Future<JsonObject> subscribed = subscriptions.remove(workflow);
    if (subscribed != null) {
      subscribed.onSuccess(v -> bus.send(Addresses.FANOUT_UNSUBSCRIBE, new JsonObject().put("workflow", workflow)));
    }
  }

  public int size() {
    return streams.size();
  }

  /**
   * Ends every stream cleanly (graceful shutdown); clients resume elsewhere with Last-Event-ID. Completes once
   * what their ends left to do is done.
   */
  public Future<Void> closeAll() {
    vertx.cancelTimer(heartbeatTimer);
    List.copyOf(streams).forEach(ClientStream::end);
    if (consumer != null) {
      consumer.unregister();
      resyncConsumer.unregister();
      revokedConsumer.unregister();
      feedConsumer.unregister();
      feedResyncConsumer.unregister();
    }
    return Future.join(List.copyOf(endings)).<Void>mapEmpty().otherwiseEmpty();
  }

  /**
   * Work a stream's end leaves behind (a presence leave): a graceful shutdown ({@link #closeAll}) waits for it,
   * so the instance does not stop before it is done.
   */
  void ending(Future<?> work) {
    endings.add(work);
    work.onComplete(ar -> endings.remove(work));
  }

  private void deliver(EventDelivery event) {
    WorkflowFeed[] targets = feedsOf(event.workflow());
    if (targets.length == 0) {
      return;
    }
    // each format's frame encoded once, and only when a client of that format is there
    Buffer[] frames = new Buffer[FORMATS.length];
    if (event.ephemeral()) {
      deliverDelta(event, targets, frames);
      return;
    }
    fanningOut = true;
    try {
      for (WorkflowFeed feed : targets) {
        FrameFormat format = feed.format();
        Buffer frame = frames[format.ordinal()];
        if (frame == null) {
          frame = format.encode(feed.key().id(), event.id(), event.type(), event.json());
          frames[format.ordinal()] = frame;
        }
        feed.deliver(event, frame);
      }
    } finally {
      fanningOut = false;
      countDelivered();
    }
  }

  /** An output delta: no id (it moves no client's position), no seq check (each feed checks its offset). */
  private void deliverDelta(EventDelivery event, WorkflowFeed[] targets, Buffer[] frames) {
    OutputDelta delta = EventTypes.OUTPUT_DELTA.equals(event.type()) ? OutputDelta.of(event) : null;
    if (delta == null) {
      return;
    }
    fanningOut = true;
    try {
      for (WorkflowFeed feed : targets) {
        FrameFormat format = feed.format();
        Buffer frame = frames[format.ordinal()];
        if (frame == null) {
          frame = format.encode(feed.key().id(), null, event.type(), event.json());
          frames[format.ordinal()] = frame;
        }
        feed.deliverDelta(delta, frame);
      }
    } finally {
      fanningOut = false;
      countDelivered();
    }
  }

  /**
   * A new reference to the HTTP/1.1 chunk of {@code frame}, the shared frame of an event in
   * {@code format} (see {@link SseChannel}): framed at the first stream that asks, then shared.
   */
  ByteBuf chunkOf(FrameFormat format, Buffer frame) {
    int i = format.ordinal();
    if (chunked[i] != frame) {
      chunked[i] = frame;
      chunks[i] = SseFrames.chunk(frame, true);
    }
    return chunks[i].retainedDuplicate();
  }

  /**
   * The stream holds live frames: write them in a slice that starts after the tasks already queued on
   * this event loop.
   */
  void writeSoon(FeedOwner stream) {
    holding.add(stream);
    if (!writeScheduled) {
      writeScheduled = true;
      context.runOnContext(v -> writeHolding());
    }
  }

  /**
   * The next slice, after the event loop's next look at its sockets: Netty runs a task scheduled now
   * only after that, unlike one queued now, which would run before it.
   */
  private void writeNextSlice() {
    context.nettyEventLoop().schedule(() -> context.runOnContext(v -> writeHolding()), 0, TimeUnit.NANOSECONDS);
  }

  private void writeHolding() {
    for (int n = 0; n < WRITE_SLICE; n++) {
      FeedOwner stream = holding.poll();
      if (stream == null) {
        break;
      }
      stream.writeHeld();
    }
    meters.liveWrites(liveWritesNow);
    liveWritesNow = 0;
    if (holding.isEmpty()) {
      writeScheduled = false;
    } else {
      writeNextSlice();
    }
  }

  /** A stream wrote its held live frames (counted at the end of the slice). */
  void wroteLive() {
    liveWritesNow++;
  }

  /** One event was written to a stream. */
  void delivered() {
    deliveredNow++;
    if (!fanningOut) {
      countDelivered();
    }
  }

  private void countDelivered() {
    if (deliveredNow > 0) {
      meters.delivered(deliveredNow);
      deliveredNow = 0;
    }
  }

  /** A session was revoked (logout, refresh-token reuse): its streams end now, on every instance. */
  private void revoked(String sid) {
    if (sid == null) {
      return;
    }
    List.copyOf(streams).stream().filter(s -> sid.equals(s.sessionId()))
        .forEach(s -> s.authEnded("revoked", "the session was revoked"));
  }

  private WorkflowFeed[] feedsOf(String workflow) {
    Set<WorkflowFeed> set = feeds.get(workflow);
    return set == null ? NONE : watching.computeIfAbsent(workflow, w -> set.toArray(WorkflowFeed[]::new));
  }

  private void heartbeat() {
    List.copyOf(streams).forEach(ClientStream::heartbeat);
  }
}
