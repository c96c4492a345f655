package io.flowcast.sse;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.BusClient;
import io.flowcast.workflow.EventId;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The part of an {@link SseStream} or a {@link BusSubscription} that follows one workflow: it decides which
 * events the client still needs; its {@link FeedOwner} owns the connection they are written to.
 *
 * <p>Gapless by construction: the stream registers the feed for live events first, then the feed sends
 * the snapshot or replays the log after {@code Last-Event-ID}. It tracks the last {@code seq} it sent; a
 * live event at or below it is a duplicate and dropped, the next one is written, and one further ahead
 * means events were missed (replay race, lost pub/sub message) so the feed catches up from the log.
 * While it is catching up it remembers only the highest seq it saw, so its memory stays constant.
 */
final class WorkflowFeed {
  private static final Logger log = LoggerFactory.getLogger(WorkflowFeed.class);

  /** Where a feed begins: with a snapshot, with a reset, or after an event id. */
  record Start(String afterId, boolean reset) {
    static final Start SNAPSHOT = new Start(null, false);
    static final Start RESET = new Start(null, true);

    /** The rule of {@code Last-Event-ID}: none means a snapshot, an id the events after it, anything else a reset. */
    static Start of(String lastEventId) {
      if (lastEventId == null) {
        return SNAPSHOT;
      }
      return EventId.parse(lastEventId) == null ? RESET : new Start(lastEventId, false);
    }
  }

  private final WorkflowKey key;
  private final FeedOwner stream;
  private final Vertx vertx;
  private final BusClient bus;
  private final SseStream.Settings settings;
  private final String fingerprint;
  private long lastSeq;
  private String lastId;
  private boolean syncing = true;
  private boolean resyncPending;
  private long highWater;
  private boolean ended;
  private final OutputFollower outputs;

  WorkflowFeed(WorkflowKey key, FeedOwner stream, Vertx vertx, BusClient bus, SseStream.Settings settings) {
    this.key = key;
    this.stream = stream;
    this.vertx = vertx;
    this.bus = bus;
    this.settings = settings;
    this.fingerprint = ResumeId.fingerprint(key.id());
    this.outputs = new OutputFollower(this, stream, bus, vertx);
  }

  String workflow() {
    return key.tag();
  }

  WorkflowKey key() {
    return key;
  }

  String fingerprint() {
    return fingerprint;
  }

  /** The id of the newest event the client holds of this workflow; null before its first frame. */
  String lastId() {
    return lastId;
  }

  boolean syncing() {
    return syncing && !ended;
  }

  boolean ended() {
    return ended;
  }

  JsonObject target() {
    return new JsonObject().put("tenant", key.tenant()).put("id", key.id());
  }

  /**
   * Registers the feed for live events, then reads the workflow as it is now (what {@link #start} begins
   * from). Fails with 404 naming the workflow (a multi-workflow client must learn which one is unknown)
   * or with what else kept it from being followed.
   */
  Future<JsonObject> subscribe(StreamRegistry registry) {
    return registry.subscribe(this)
        .compose(v -> bus.request(Addresses.WORKFLOW_GET, target()))
        .recover(err -> {
          ApiException api = ApiException.from(err);
          return Future.failedFuture(api.status() == 404
              ? ApiException.notFound("workflow '" + key.id() + "' does not exist") : api);
        });
  }

  /** Begins the feed once the response head is out; {@code current} is the workflow as read at open. */
  void start(Start start, JsonObject current) {
    if (start.afterId() != null) {
      lastId = start.afterId();
      catchUp();
    } else {
      sendWorkflow(start.reset() ? "reset" : "snapshot", current, start.reset() ? MALFORMED_ID : null);
    }
  }

  /** A live event from the fan-out; {@code frame} is shared by single-workflow streams: never modify it. */
  void deliver(EventDelivery event, Buffer frame) {
    if (done()) {
      return;
    }
    if (syncing) {
      highWater = Math.max(highWater, event.seq());
      return;
    }
    if (event.seq() <= lastSeq) {
      return;
    }
    if (event.seq() == lastSeq + 1 && !stream.defersLive()) {
      sent(event.seq(), event.id(), event.type(), event.json(), frame, true);
      return;
    }
    // a gap, or a queue filled by another feed's replay: the log has the event, fetch it from there
    syncing = true;
    highWater = Math.max(highWater, event.seq());
    catchUp();
  }

  /** A live output delta (not in the log: no seq); {@code frame} is shared, as for events. */
  void deliverDelta(OutputDelta delta, Buffer frame) {
    if (!done()) {
      outputs.delta(delta, frame);
    }
  }

  /** Events may have been lost on the way (the transport reconnected): catch up from the log. */
  void resync() {
    if (done()) {
      return;
    }
    outputs.restart(false); // deltas too: the outputs are read again once the feed has caught up
    if (syncing) {
      resyncPending = true; // the read in flight may have missed them: one more pass when it ends
      return;
    }
    syncing = true;
    catchUp();
  }

  private boolean done() {
    return ended || stream.closed();
  }

  /**
   * A snapshot or a reset: the workflow, and the position in the log it stands for (seq and epoch); a
   * reset says why ({@code reason}).
   */
  private void sendWorkflow(String type, JsonObject current, String reason) {
    lastSeq = current.getLong("last_seq");
    lastId = current.getString("last_event_id");
    JsonObject workflow = current.getJsonObject("workflow").put("seq", lastSeq);
    if (reason != null) {
      workflow.put("reason", reason);
    }
    Long epoch = epochOf(lastId);
    if (epoch != null) {
      workflow.put("epoch", epoch);
    }
    stream.event(this, type, workflow.encode(), false, null, false);
    outputs.restart(true);
    finishSync();
  }

  /**
   * Replays the log after {@code lastId}, page by page, until it has everything the feed has seen.
   * A replay may be long: it waits for the client to take each page (drain) rather than treating a full
   * write queue as a stalled client, so memory stays bounded by one page.
   */
  private void catchUp() {
    if (stream.writeQueueFull()) {
      stream.whenDrained(() -> {
        if (!done()) {
          catchUp();
        }
      });
      return;
    }
    long before = lastSeq;
    JsonObject read = target().put("after", lastId).put("limit", settings.replayBatch());
    bus.request(Addresses.EVENTS_READ, read).onComplete(ar -> {
      if (done()) {
        return;
      }
      if (ar.failed()) {
        onCatchUpFailure(ar.cause());
        return;
      }
      JsonObject slice = ar.result();
      if (!slice.getBoolean("after_known")) {
        bus.request(Addresses.WORKFLOW_GET, target())
            .onSuccess(current -> {
              if (done()) {
                return;
              }
              if (behindFeed(current)) {
                // a read older than what this feed already sent (served from a lagging archive while Redis
                // stalls): resetting to it would send those events again; wait for a current one
                log.debug("stream of {} waits for a current read (got seq {}, sent {})", key,
                    current.getLong("last_seq"), lastSeq);
                retryLater(settings.retryMs() > 0 ? Math.min(settings.retryMs(), 1000) : 1000);
                return;
              }
              String asked = lastId;
              sendWorkflow("reset", current, whyUnknown(asked, current));
            })
            .onFailure(this::onCatchUpFailure);
        return;
      }
      JsonArray events = slice.getJsonArray("events");
      for (int i = 0; i < events.size() && !done(); i++) {
        JsonObject event = events.getJsonObject(i);
        long seq = event.getLong("seq");
        if (seq > lastSeq) {
          sent(seq, event.getString("id"), event.getString("type"), event.encode(), null, false);
        }
      }
      if (done()) {
        return;
      }
      if (slice.getBoolean("has_more")) {
        catchUp();
      } else if (lastSeq == before && highWater > lastSeq) {
        // the log does not (yet) hold what the live feed announced: try again shortly, not in a tight loop
        retryLater(200);
      } else {
        finishSync();
      }
    });
  }

  private void retryLater(long delayMs) {
    vertx.setTimer(delayMs, id -> {
      if (!done()) {
        catchUp();
      }
    });
  }

  private void finishSync() {
    if (done()) {
      return;
    }
    if (highWater > lastSeq || resyncPending) {
      resyncPending = false;
      syncing = true;
      catchUp();
    } else {
      syncing = false;
      outputs.synced();
    }
  }

  /**
   * A workflow that is gone ends the feed. While the backend is unavailable the feed stays open
   * (heartbeats continue) and tries again, so it resumes by itself when the backend returns.
   */
  private void onCatchUpFailure(Throwable err) {
    if (done()) {
      return;
    }
    ApiException api = ApiException.from(err);
    if (api.status() == 503) {
      log.debug("stream of {} waits for the backend: {}", key, api.getMessage());
      retryLater(settings.retryMs() > 0 ? Math.min(settings.retryMs(), 1000) : 1000);
      return;
    }
    if (api.status() == 404) {
      finish();
      return;
    }
    log.warn("stream of {} could not catch up ({}); closing it for the client to resume", key, api.getMessage());
    stream.end();
  }

  private void sent(long seq, String id, String type, String json, Buffer frame, boolean live) {
    lastSeq = seq;
    lastId = id;
    if (EventTypes.OUTPUT_APPENDED.equals(type)) {
      return; // the log's roll-up of deltas this client gets live, or as an output.snapshot
    }
    if (EventTypes.OUTPUT_CLOSED.equals(type)) {
      outputs.closedEvent(json);
    }
    stream.event(this, type, json, true, frame, live);
    stream.delivered();
    if (EventTypes.TERMINAL.contains(type)) {
      finish();
    }
  }

  FrameFormat format() {
    return stream.format();
  }

  static final String MALFORMED_ID = "malformed id";
  static final String EPOCH_CHANGED = "epoch changed";
  static final String BEHIND_RETENTION = "behind retention";
  static final String UNKNOWN_ID = "unknown id";

  /**
   * Why an id the log does not know is unknown: it names another life of the workflow (or a history
   * Redis lost), an event older than the retained ones, or one the log never had.
   */
  private static String whyUnknown(String asked, JsonObject current) {
    io.flowcast.workflow.EventId id = io.flowcast.workflow.EventId.parse(asked);
    Long epoch = epochOf(current.getString("last_event_id"));
    if (id == null) {
      return MALFORMED_ID;
    }
    if (epoch != null && id.millis() != epoch) {
      return EPOCH_CHANGED;
    }
    return id.n() <= current.getLong("last_seq") ? BEHIND_RETENTION : UNKNOWN_ID;
  }

  /**
   * Whether {@code current} stands before an event this feed sent: of the same life (epoch), whose seqs
   * never name two events, with an older last seq. Such a read is stale, not a reason to go back.
   */
  private boolean behindFeed(JsonObject current) {
    Long epoch = epochOf(current.getString("last_event_id"));
    return lastSeq > 0 && epoch != null && epoch.equals(epochOf(lastId)) && current.getLong("last_seq") < lastSeq;
  }

  private static Long epochOf(String eventId) {
    io.flowcast.workflow.EventId id = io.flowcast.workflow.EventId.parse(eventId);
    return id == null ? null : id.millis();
  }

  private void finish() {
    if (!ended) {
      ended = true;
      stream.feedEnded(this);
    }
  }
}
