package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.BusClient;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * One {@code register} of an event-bus bridge client on {@code flowcast.events.<id>}: the
 * {@link WorkflowFeed} of that workflow, written as bridge {@code message} frames to the client's
 * {@link Connection}. It follows the rules of an SSE stream (docs/API.md): a snapshot first, or the events
 * after a given id, then every event once and in order; a gap is read from the log. A connection may hold
 * many subscriptions, each with the token it was registered with: one ends alone when its token expires,
 * its session is revoked or its workflow is gone.
 *
 * <p>Bounded like a stream: a live event that finds the connection's write queue full, or a queue that
 * stays full for {@code sse.stall_timeout_ms}, closes the connection (the client registers again with the
 * id of the last event it has).
 */
public final class BusSubscription extends FeedOwner {
  private static final Logger log = LoggerFactory.getLogger(BusSubscription.class);

  /** A bridge client's connection, shared by its subscriptions. Confined to its event loop. */
  public interface Connection {
    FrameFormat format();

    /** Writes one complete frame in {@link #format()}, or several at once where {@link #concatenates()}. */
    void write(Buffer frame);

    /** Whether frames may be written back to back in one buffer (TCP: yes; a WebSocket message each: no). */
    boolean concatenates();

    boolean writeQueueFull();

    /** Drain signals so far (the client took queued bytes). */
    long drains();

    /** Runs {@code action} at the next drain signal. */
    void whenDrained(Runnable action);

    /** The client does not keep up: closes the connection, with every subscription on it. */
    void overrun(String why);

    /**
     * The server ended {@code subscription} ({@code code}: {@code expired}, {@code revoked}, {@code gone},
     * {@code closed}): tell the client, and forget it. The subscription is closed already.
     */
    void ended(BusSubscription subscription, String code, String reason);
  }

  private final Vertx vertx;
  private final WorkflowFeed feed;
  private final List<WorkflowFeed> feeds;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final SseStream.Settings settings;
  private final Connection connection;
  private final String address;
  private final Runnable onEnd;
  private String sessionId;
  private boolean started;
  private boolean closed;
  private long expiryTimer = -1;
  private final StallWatch stall = new StallWatch();

  /** @param onEnd run once when the subscription ends, however it ends (releases its place under the stream cap) */
  public BusSubscription(Vertx vertx, WorkflowKey key, StreamRegistry registry, BusClient bus,
      SseStream.Settings settings, Connection connection, Runnable onEnd) {
    this.vertx = vertx;
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.connection = connection;
    this.onEnd = onEnd;
    this.address = Addresses.EVENTS_PREFIX + key.id();
    this.feed = new WorkflowFeed(key, this, vertx, bus, settings);
    this.feeds = List.of(feed);
  }

  /** {@code flowcast.events.<id>}: the address the client registered. */
  public String address() {
    return address;
  }

  /**
   * Subscribes, checks that the workflow exists, then starts: a {@code snapshot} message when
   * {@code lastEventId} is null, else the events after it (or a {@code reset}, as on an SSE stream). Fails
   * with 404 when the workflow does not exist, 503 when events cannot be received.
   */
  public Future<Void> open(Caller caller, String lastEventId) {
    sessionId = caller.sessionId();
    registry.add(this);
    return feed.subscribe(registry)
        .onFailure(err -> dispose())
        .map(current -> {
          if (!closed) {
            started = true;
            scheduleExpiry(caller.expiresAtEpochSecond());
            feed.start(WorkflowFeed.Start.of(lastEventId), current);
          }
          return null;
        });
  }

  /** The client unregistered, or its connection closed: ends without a word. */
  public void close() {
    dispose();
  }

  @Override
  FrameFormat format() {
    return connection.format();
  }

  @Override
  List<WorkflowFeed> feeds() {
    return feeds;
  }

  @Override
  boolean closed() {
    return closed;
  }

  @Override
  void event(WorkflowFeed feed, String type, String json, boolean typed, Buffer shared, boolean live) {
    if (closed || !started) {
      return;
    }
    Buffer frame = shared != null ? shared
        : format().encode(feed.key().id(), feed.lastId(), type, typed ? json : SseFrames.typed(type, json));
    if (!live) {
      writeHeld();
      if (!closed) {
        connection.write(frame);
      }
      return;
    }
    if (connection.writeQueueFull()) {
      log.info("closing a bridge connection registered on {}: the client does not keep up", feed.workflow());
      registry.meters().slowConsumerClosed();
      connection.overrun("slow consumer: the client did not read its events fast enough; register again "
          + "with last_event_id");
      return;
    }
    if (!connection.concatenates()) {
      connection.write(frame);
      return;
    }
    hold(frame, shared != null, registry);
  }

  @Override
  void delivered() {
    registry.delivered();
  }

  @Override
  boolean defersLive() {
    return connection.writeQueueFull() && feed.syncing();
  }

  @Override
  boolean writeQueueFull() {
    return connection.writeQueueFull();
  }

  @Override
  void whenDrained(Runnable action) {
    connection.whenDrained(action);
  }

  @Override
  void feedEnded(WorkflowFeed feed) {
    finish("gone", "the workflow was deleted or expired; the registration ended");
  }

  @Override
  void writeHeld() {
    Buffer frames = takeHeld();
    if (frames != null && !closed) {
      registry.wroteLive();
      connection.write(frames);
    }
  }

  /** A connection whose queue stayed full, with no drain, for {@code sse.stall_timeout_ms} is closed. */
  @Override
  void heartbeat() {
    if (closed || !started) {
      return;
    }
    long stalledFor = stall.stalledFor(connection.writeQueueFull(), connection.drains(), settings.stallTimeoutMs());
    if (stalledFor >= 0) {
      log.info("closing a bridge connection registered on {}: the client took nothing for {} ms",
          feed.workflow(), stalledFor);
      registry.meters().slowConsumerClosed();
      connection.overrun("stalled: the client took nothing for " + stalledFor + " ms");
    }
  }

  @Override
  String sessionId() {
    return sessionId;
  }

  @Override
  void authEnded(String code, String reason) {
    finish(code, reason);
  }

  @Override
  void end() {
    finish("closed", "the server ended the registration; register again with last_event_id");
  }

  private void finish(String code, String reason) {
    if (!closed) {
      writeHeld();
      dispose();
      connection.ended(this, code, reason);
    }
  }

  private void scheduleExpiry(long expiresAtEpochSecond) {
    long delay = expiresAtEpochSecond * 1000 - System.currentTimeMillis();
    expiryTimer = vertx.setTimer(Math.max(1, delay), id -> authEnded("expired", "the access token expired"));
  }

  private void dispose() {
    if (!closed) {
      closed = true;
      takeHeld();
      vertx.cancelTimer(expiryTimer);
      registry.remove(this);
      onEnd.run();
    }
  }
}
