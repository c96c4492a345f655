package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.BusClient;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One client's SSE connection, carrying the {@link WorkflowFeed} of each workflow it watches: one for
 * {@code /workflows/{id}/stream}, several for {@code /stream?workflow=...}. It owns the response, the
 * heartbeat, the end of access and the write queue; the feeds decide what to write.
 *
 * <p>Bounded: a client that does not read fills the connection's write queue; the stream is then closed
 * and the client resumes with {@code Last-Event-ID}.
 *
 * <p>Frame ids: a single-workflow stream sends each event's own id (and shares the frame encoded once by
 * the registry); a multi-workflow stream sends a {@link ResumeId} naming its position in every workflow,
 * so a reconnect resumes all of them.
 */
public final class SseStream extends FeedOwner {
  private static final Logger log = LoggerFactory.getLogger(SseStream.class);

  /** Tuning of a stream, from config. */
  /** @param stallTimeoutMs how long a replay waits for a client that takes none of its queued bytes */
  public record Settings(long retryMs, int maxBacklogBytes, int replayBatch, long stallTimeoutMs) {
  }

  private final Vertx vertx;
  /** Until the stream is open: afterwards only the response and the connection are kept. */
  private HttpServerRequest request;
  private final HttpConnection connection;
  private final HttpServerResponse response;
  /** Where live frames go once the stream is open: straight to the channel; null: through the response. */
  private SseChannel channel;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final Settings settings;
  private final Runnable onEnd;
  private final boolean compositeIds;
  private final List<WorkflowFeed> feeds = new ArrayList<>();
  private final List<Runnable> drainWaiters = new ArrayList<>();
  /** Drain signals so far, and when the write queue was first seen full without one since. */
  private long drains;
  private final StallWatch stall = new StallWatch();
  private boolean started;
  private boolean closed;
  private long expiryTimer = -1;
  private String sessionId;
  private final FrameFormat format;
  /** With {@code ?format=ag-ui}: this stream's translation into AG-UI events, or null. */
  private AgUiFrames agUi;

  /**
   * @param compositeIds whether frame ids are {@link ResumeId}s (multi-workflow stream) or event ids
   * @param onEnd run once when the stream ends, however it ends (releases its place under the stream cap)
   */
  SseStream(Vertx vertx, HttpServerRequest request, List<WorkflowKey> workflows, boolean compositeIds,
      boolean messageFormat, StreamRegistry registry, BusClient bus, Settings settings, Runnable onEnd) {
    this.format = messageFormat ? FrameFormat.SSE_MESSAGE : FrameFormat.SSE_EVENT;
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
    this.connection = request.connection();
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.onEnd = onEnd;
    this.compositeIds = compositeIds;
    for (WorkflowKey key : workflows) {
      feeds.add(new WorkflowFeed(key, this, vertx, bus, settings));
    }
  }

  /**
   * Speaks AG-UI ({@code ?format=ag-ui}, single-workflow streams): every frame an AG-UI event, made for this
   * stream (stateful: the state deltas depend on what it sent before). Before {@link #open}.
   */
  SseStream agUi() {
    agUi = new AgUiFrames(feeds.get(0).key().id());
    return this;
  }

  /** Named events, or unnamed ones with the type inside the data ({@code ?format=message}). */
  @Override
  FrameFormat format() {
    return format;
  }

  @Override
  List<WorkflowFeed> feeds() {
    return feeds;
  }

  @Override
  boolean closed() {
    return closed;
  }

  /**
   * Subscribes every feed, checks every workflow exists, then starts the feeds. Fails (before any byte is
   * sent, so the client gets a problem+json answer) when a workflow is unknown (the first in the order
   * given) or events cannot be received.
   */
  Future<Void> open(Caller caller, Function<WorkflowKey, WorkflowFeed.Start> starts) {
    this.sessionId = caller.sessionId();
    response.closeHandler(v -> dispose());
    registry.add(this);
    List<Future<JsonObject>> reads = feeds.stream().map(this::subscribeAndRead).toList();
    return Future.join(reads)
        .recover(err -> Future.failedFuture(reads.stream().filter(Future::failed).findFirst().orElseThrow().cause()))
        .onFailure(err -> dispose())
        .map(all -> {
          if (closed) {
            return null;
          }
          started = true;
          SseResponses.begin(response, settings.maxBacklogBytes(), this::drained);
          write(SseFrames.retry(settings.retryMs()), true);
          // after the head (the encoder now frames the body as chunks; an HTTP/1.0 body is not chunked) and
          // before its headers are dropped
          channel = response.isChunked() ? SseChannel.of(connection) : null;
          // the stream lets go of the request (and the router's context)
          SseResponses.forgetHeaders(request);
          request = null;
          expiryTimer = SseResponses.atTokenExpiry(vertx, caller.expiresAtEpochSecond(),
              () -> authEnded("expired", "the access token expired"));
          for (int i = 0; i < feeds.size() && !closed; i++) {
            WorkflowFeed feed = feeds.get(i);
            feed.start(starts.apply(feed.key()), reads.get(i).result());
          }
          return null;
        });
  }

  private Future<JsonObject> subscribeAndRead(WorkflowFeed feed) {
    return feed.subscribe(registry);
  }

  /**
   * Writes an event of {@code feed}, whose position already counts it; {@code shared} is the frame the
   * registry encoded once for every single-workflow stream of this format, or null. {@code typed}: the
   * JSON carries its type (an event does; a snapshot, a reset do not).
   */
  @Override
  void event(WorkflowFeed feed, String type, String json, boolean typed, Buffer shared, boolean live) {
    if (closed) {
      return;
    }
    if (agUi != null) {
      agUiEvents(agUi.translate(type, new JsonObject(json)), live);
      return;
    }
    String id = compositeIds ? ResumeId.encode(feeds) : feed.lastId();
    Buffer frame = shared != null && !compositeIds ? shared : frame(id, type, json, typed);
    if (live) {
      hold(frame, shared != null && !compositeIds);
    } else {
      write(frame, false);
    }
  }

  /** AG-UI events, unnamed SSE frames without ids: every AG-UI connection starts from a snapshot. */
  private void agUiEvents(List<JsonObject> events, boolean live) {
    if (events.isEmpty()) {
      return;
    }
    Buffer frames = Buffer.buffer();
    for (JsonObject event : events) {
      frames.appendBuffer(SseFrames.message(null, event.encode()));
    }
    if (live) {
      hold(frames, false);
    } else {
      write(frames, false);
    }
  }

  /**
   * Holds a live frame until the registry writes this stream's slice: events that arrive before then
   * reach the client in one write (one system call) instead of one each. Anything else written in
   * between goes after them, so the order never changes.
   */
  private void hold(Buffer frame, boolean shared) {
    if (closed || !started) {
      return;
    }
    if (channel == null) {
      hold(frame, shared, registry);
      return;
    }
    if (!channel.holding()) {
      registry.writeSoon(this);
    }
    channel.hold(shared ? registry.chunkOf(format, frame) : SseFrames.chunk(frame, false));
  }

  /** Writes the held live frames (the registry calls it in the stream's write slice). */
  @Override
  void writeHeld() {
    if (channel != null) {
      if (channel.holding() && !closed && !closedForBacklog()) {
        registry.wroteLive();
        channel.writeHeld();
      }
      return;
    }
    Buffer frames = takeHeld();
    if (frames != null && !closed) {
      registry.wroteLive();
      write(frames, true);
    }
  }

  private boolean anyHeld() {
    return channel != null ? channel.holding() : holding();
  }

  @Override
  void delivered() {
    registry.delivered();
  }

  /**
   * Whether a live event must come from the log instead: the queue is full while a feed replays (its
   * pages are paced by drain, not refused), so the fullness does not mean the client stalled.
   */
  @Override
  boolean defersLive() {
    return response.writeQueueFull() && feeds.stream().anyMatch(WorkflowFeed::syncing);
  }

  @Override
  boolean writeQueueFull() {
    return response.writeQueueFull();
  }

  /** Runs {@code action} once the client has taken the queued bytes; one drain handler serves every feed. */
  @Override
  void whenDrained(Runnable action) {
    drainWaiters.add(action);
  }

  /** The client took queued bytes: replays waiting for room go on. */
  private void drained() {
    drains++;
    List<Runnable> ready = List.copyOf(drainWaiters);
    drainWaiters.clear();
    if (!closed) {
      ready.forEach(Runnable::run);
    }
  }

  /** A feed's workflow is gone (deleted, expired): the stream ends with its last feed. */
  @Override
  void feedEnded(WorkflowFeed feed) {
    registry.unsubscribe(feed);
    if (feeds.stream().allMatch(WorkflowFeed::ended)) {
      end();
    }
  }

  /**
   * Every heartbeat tick: a heartbeat comment, or, while the queue is full, a check that the client still
   * takes bytes. One that took nothing for {@code stallTimeoutMs} is gone or stuck (a live write would
   * have closed it already, but a replay waits, and so does a stream that saw no event since): its
   * place is freed, and it resumes with Last-Event-ID.
   */
  @Override
  void heartbeat() {
    if (closed || !started) {
      return;
    }
    stall.tick(response, drains, settings.stallTimeoutMs(), () -> write(SseFrames.HEARTBEAT, false), stalledFor -> {
      log.info("closing a stream of {}: the client took nothing for {} ms", describe(), stalledFor);
      registry.meters().slowConsumerClosed();
      dispose();
      connection.close();
    });
  }

  /** Ends the response cleanly. */
  @Override
  void end() {
    if (!closed) {
      writeHeld();
    }
    if (!closed) {
      dispose();
      response.end();
    }
  }

  /** The session this stream's token belongs to (its {@code sid}), or null. */
  @Override
  String sessionId() {
    return sessionId;
  }

  /** Access ended (token expired or session revoked): tell the client, then close. */
  @Override
  void authEnded(String code, String reason) {
    // no id: the client's position does not move
    if (agUi != null) {
      agUi.authEnded(code, reason).forEach(e -> write(SseFrames.message(null, e.encode()), true));
    } else {
      write(frame(null, "auth.expired", new JsonObject().put("code", code).put("reason", reason).encode(), false),
          true);
    }
    end();
  }

  private Buffer frame(String id, String type, String json, boolean typed) {
    return format.encode(null, id, type, typed || !format.typedData() ? json : SseFrames.typed(type, json));
  }

  /**
   * A live write into a full queue means the client does not keep up: the stream is closed. Nothing is
   * written before the head (a heartbeat or revocation may come while the stream is still opening).
   */
  private void write(Buffer frame, boolean live) {
    if (closed || !started) {
      return;
    }
    if (anyHeld()) {
      writeHeld();
      if (closed) {
        return;
      }
    }
    if (live && closedForBacklog()) {
      return;
    }
    response.write(frame);
  }

  /** Before a live write: a full queue means the client does not keep up, and the stream is closed. */
  private boolean closedForBacklog() {
    if (!response.writeQueueFull()) {
      return false;
    }
    log.info("closing a stream of {}: the client does not keep up", describe());
    registry.meters().slowConsumerClosed();
    dispose();
    connection.close();
    return true;
  }

  private String describe() {
    return feeds.size() == 1 ? feeds.get(0).workflow() : feeds.size() + " workflows";
  }

  private void dispose() {
    if (!closed) {
      closed = true;
      takeHeld();
      if (channel != null) {
        channel.discard();
      }
      drainWaiters.clear();
      vertx.cancelTimer(expiryTimer);
      registry.remove(this);
      onEnd.run();
    }
  }
}
