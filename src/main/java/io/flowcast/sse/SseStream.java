package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.EventDelivery;
import io.flowcast.http.BusClient;
import io.flowcast.workflow.EventId;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's SSE feed of one workflow.
 *
 * <p>Gapless by construction: the stream registers for live events first, then sends the snapshot or
 * replays the log after {@code Last-Event-ID}. It tracks the last {@code seq} it sent; a live event at
 * or below it is a duplicate and dropped, the next one is written, and one further ahead means events
 * were missed (replay race, lost pub/sub message) so the stream catches up from the log. While it is
 * catching up it remembers only the highest seq it saw, so its memory stays constant.
 *
 * <p>Bounded: a client that does not read fills the connection's write queue; the stream is then closed
 * and the client resumes with {@code Last-Event-ID}.
 */
public final class SseStream {
  private static final Logger log = LoggerFactory.getLogger(SseStream.class);

  /** Tuning of a stream, from config. */
  public record Settings(long retryMs, int maxBacklogBytes, int replayBatch) {
  }

  private final Vertx vertx;
  private final HttpServerRequest request;
  private final HttpServerResponse response;
  private final WorkflowKey key;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final Settings settings;
  private final Runnable onEnd;
  private long lastSeq;
  private String lastId;
  private boolean syncing = true;
  private boolean resyncPending;
  private long highWater;
  private boolean closed;
  private long expiryTimer = -1;
  private String sessionId;

  /** @param onEnd run once when the stream ends, however it ends (releases its place under the stream cap) */
  SseStream(Vertx vertx, HttpServerRequest request, WorkflowKey key, StreamRegistry registry, BusClient bus,
      Settings settings, Runnable onEnd) {
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
    this.key = key;
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.onEnd = onEnd;
  }

  String workflow() {
    return key.tag();
  }

  /**
   * Subscribes, checks the workflow exists, then starts the feed. Fails (before any byte is sent, so the
   * client gets a problem+json answer) when the workflow is unknown or events cannot be received.
   */
  Future<Void> open(String lastEventId, Caller caller) {
    this.sessionId = caller.sessionId();
    response.closeHandler(v -> dispose());
    return registry.add(this)
        .compose(v -> bus.request(Addresses.WORKFLOW_GET, target()))
        .onFailure(err -> dispose())
        .map(current -> {
          if (closed) {
            return null;
          }
          response.setChunked(true)
              .setWriteQueueMaxSize(settings.maxBacklogBytes())
              .putHeader("Content-Type", "text/event-stream; charset=utf-8")
              .putHeader("Cache-Control", "no-cache")
              .putHeader("X-Accel-Buffering", "no");
          write(SseFrames.retry(settings.retryMs()));
          scheduleExpiry(caller.expiresAtEpochSecond());
          if (lastEventId == null) {
            sendWorkflow("snapshot", current);
          } else if (EventId.parse(lastEventId) == null) {
            sendWorkflow("reset", current);
          } else {
            lastId = lastEventId;
            catchUp();
          }
          return null;
        });
  }

  /** A live event from the fan-out; {@code frame} is shared by every stream and must not be modified. */
  void deliver(EventDelivery event, Buffer frame) {
    if (closed) {
      return;
    }
    if (syncing) {
      highWater = Math.max(highWater, event.seq());
      return;
    }
    if (event.seq() <= lastSeq) {
      return;
    }
    if (event.seq() == lastSeq + 1) {
      sent(event.seq(), event.id(), event.type(), frame, true);
      return;
    }
    syncing = true;
    highWater = event.seq();
    catchUp();
  }

  /** Events may have been lost on the way (the transport reconnected): catch up from the log. */
  void resync() {
    if (closed) {
      return;
    }
    if (syncing) {
      resyncPending = true; // the read in flight may have missed them: one more pass when it ends
      return;
    }
    syncing = true;
    catchUp();
  }

  void heartbeat() {
    if (!closed && !response.writeQueueFull()) {
      write(SseFrames.HEARTBEAT, false);
    }
  }

  /** Ends the response cleanly. */
  void end() {
    if (!closed) {
      dispose();
      response.end();
    }
  }

  private void sendWorkflow(String type, JsonObject current) {
    lastSeq = current.getLong("last_seq");
    lastId = current.getString("last_event_id");
    write(SseFrames.event(lastId, type, current.getJsonObject("workflow").encode()));
    finishSync();
  }

  /**
   * Replays the log after {@code lastId}, page by page, until it has everything the stream has seen.
   * A replay may be long: it waits for the client to take each page (drain) rather than treating a full
   * write queue as a stalled client, so memory stays bounded by one page.
   */
  private void catchUp() {
    if (response.writeQueueFull()) {
      response.drainHandler(v -> {
        response.drainHandler(null);
        if (!closed) {
          catchUp();
        }
      });
      return;
    }
    long before = lastSeq;
    JsonObject read = target().put("after", lastId).put("limit", settings.replayBatch());
    bus.request(Addresses.EVENTS_READ, read).onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.failed()) {
        onCatchUpFailure(ar.cause());
        return;
      }
      JsonObject slice = ar.result();
      if (!slice.getBoolean("after_known")) {
        bus.request(Addresses.WORKFLOW_GET, target())
            .onSuccess(current -> sendWorkflow("reset", current))
            .onFailure(this::onCatchUpFailure);
        return;
      }
      JsonArray events = slice.getJsonArray("events");
      for (int i = 0; i < events.size() && !closed; i++) {
        JsonObject event = events.getJsonObject(i);
        long seq = event.getLong("seq");
        if (seq > lastSeq) {
          sent(seq, event.getString("id"), event.getString("type"),
              SseFrames.event(event.getString("id"), event.getString("type"), event.encode()), false);
        }
      }
      if (slice.getBoolean("has_more")) {
        catchUp();
      } else if (lastSeq == before && highWater > lastSeq) {
        // the log does not (yet) hold what the live feed announced: try again shortly, not in a tight loop
        vertx.setTimer(200, id -> {
          if (!closed) {
            catchUp();
          }
        });
      } else {
        finishSync();
      }
    });
  }

  private void finishSync() {
    if (closed) {
      return;
    }
    if (highWater > lastSeq || resyncPending) {
      resyncPending = false;
      syncing = true;
      catchUp();
    } else {
      syncing = false;
    }
  }

  /**
   * A workflow that is gone ends the stream. While the backend is unavailable the stream stays open
   * (heartbeats continue) and tries again, so it resumes by itself when the backend returns.
   */
  private void onCatchUpFailure(Throwable err) {
    ApiException api = ApiException.from(err);
    if (api.status() == 503) {
      log.debug("stream of {} waits for the backend: {}", key, api.getMessage());
      vertx.setTimer(settings.retryMs() > 0 ? Math.min(settings.retryMs(), 1000) : 1000, id -> {
        if (!closed) {
          catchUp();
        }
      });
      return;
    }
    if (api.status() != 404) {
      log.warn("stream of {} could not catch up ({}); closing it for the client to resume", key, api.getMessage());
    }
    end();
  }

  private void sent(long seq, String id, String type, Buffer frame, boolean live) {
    write(frame, live);
    registry.meters().delivered();
    lastSeq = seq;
    lastId = id;
    if (EventTypes.TERMINAL.contains(type)) {
      end();
    }
  }

  private void write(Buffer frame) {
    write(frame, true);
  }

  /** A live write into a full queue means the client does not keep up: the stream is closed. */
  private void write(Buffer frame, boolean live) {
    if (closed) {
      return;
    }
    if (live && response.writeQueueFull()) {
      log.info("closing a stream of {}: the client does not keep up", key);
      registry.meters().slowConsumerClosed();
      dispose();
      request.connection().close();
      return;
    }
    response.write(frame);
  }

  private void scheduleExpiry(long expiresAtEpochSecond) {
    long delay = expiresAtEpochSecond * 1000 - System.currentTimeMillis();
    expiryTimer = vertx.setTimer(Math.max(1, delay), id -> authEnded("expired", "the access token expired"));
  }

  /** The session this stream's token belongs to (its {@code sid}), or null. */
  String sessionId() {
    return sessionId;
  }

  /** Access ended (token expired or session revoked): tell the client, then close. */
  void authEnded(String code, String reason) {
    write(SseFrames.event(null, "auth.expired", new JsonObject().put("code", code).put("reason", reason).encode()));
    end();
  }

  private JsonObject target() {
    return new JsonObject().put("tenant", key.tenant()).put("id", key.id());
  }

  private void dispose() {
    if (!closed) {
      closed = true;
      vertx.cancelTimer(expiryTimer);
      registry.remove(this);
      onEnd.run();
    }
  }
}
