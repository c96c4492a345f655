package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.BusClient;
import io.flowcast.bus.FeedChange;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/feed}: one client's feed of every workflow of its tenant (docs/API.md, "Tenant
 * feed"). It starts with a {@code snapshot} of the tenant's workflows, then sends each creation, change,
 * deletion and expiry as {id, version, status, updated_at}, never the state.
 *
 * <p>Coalesced, not queued: changes wait in a map by workflow until the next write (the registry flushes its
 * feeds once per event-loop turn, each with one write of frames encoded once per verticle), so several changes of
 * one workflow between two writes go out as the newest, and a client that reads slowly gets fewer,
 * newer entries instead of a growing backlog (only one that takes nothing at all for the stall timeout is
 * closed). The feed is a view, not a log: it carries no ids, and a reconnect (or a transport that lost
 * messages) starts over with a fresh snapshot.
 */
final class TenantFeedStream extends ClientStream {
  private static final Logger log = LoggerFactory.getLogger(TenantFeedStream.class);

  private final Vertx vertx;
  private HttpServerRequest request;
  private final HttpServerResponse response;
  private final HttpConnection connection;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final SseStream.Settings settings;
  private final String tenant;
  /** Only workflows in this status, or null for all. */
  private final String status;
  private final Integer limit;
  private final FrameFormat format;
  private final Runnable onEnd;
  /** Changes not yet written, by workflow id, in the order they first came. */
  private Map<String, FeedFrame> pending = new LinkedHashMap<>();
  private Map<String, FeedFrame> spare = new LinkedHashMap<>();
  /** With a status filter: the workflows the client was told are in it (it is told when one leaves). */
  private final Set<String> shown = new HashSet<>();
  /** The snapshot being read: changes wait in {@link #pending} until it has been written. */
  private boolean reading;
  private final StallWatch stall = new StallWatch();
  private long drains;
  private boolean started;
  private boolean closed;
  private long expiryTimer = -1;
  private String sessionId;

  TenantFeedStream(Vertx vertx, HttpServerRequest request, String tenant, String status, Integer limit,
      boolean messageFormat, StreamRegistry registry, BusClient bus, SseStream.Settings settings, Runnable onEnd) {
    this.vertx = vertx;
    this.request = request;
    this.response = request.response();
    this.connection = request.connection();
    this.tenant = tenant;
    this.status = status;
    this.limit = limit;
    this.format = messageFormat ? FrameFormat.SSE_MESSAGE : FrameFormat.SSE_EVENT;
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.onEnd = onEnd;
  }

  String tenant() {
    return tenant;
  }

  /**
   * Follows the tenant's changes, then reads the snapshot: nothing that happens after the snapshot was
   * read can be missed. Fails before any byte is sent (a problem+json answer) when the changes cannot be
   * received or the workflows cannot be read.
   */
  Future<Void> open(Caller caller) {
    sessionId = caller.sessionId();
    response.closeHandler(v -> dispose());
    reading = true;
    return registry.follow(this)
        .compose(v -> readSnapshot())
        .onFailure(err -> dispose())
        .map(snapshot -> {
          if (closed) {
            return null;
          }
          started = true;
          SseResponses.begin(response, settings.maxBacklogBytes(), this::drained);
          response.write(SseFrames.retry(settings.retryMs()));
          SseResponses.forgetHeaders(request);
          request = null;
          expiryTimer = SseResponses.atTokenExpiry(vertx, caller.expiresAtEpochSecond(),
              () -> authEnded("expired", "the access token expired"));
          writeSnapshot(snapshot);
          return null;
        });
  }

  /**
   * The tenant's workflows as the list answers them (newest first, at most {@code limit}), from the hot
   * copy, not from an archive that may be behind.
   */
  private Future<JsonObject> readSnapshot() {
    JsonObject command = new JsonObject().put("tenant", tenant).put("status", status).put("limit", limit)
        .put("live", true);
    return bus.request(Addresses.WORKFLOW_LIST, command);
  }

  /**
   * Writes the snapshot, then the changes that came while it was read, less those it already shows (a
   * version no newer than the snapshot's).
   */
  private void writeSnapshot(JsonObject page) {
    Map<String, Long> versions = new HashMap<>();
    JsonArray workflows = new JsonArray();
    shown.clear();
    for (Object item : page.getJsonArray("items")) {
      JsonObject w = (JsonObject) item;
      String id = w.getString("id");
      versions.put(id, w.getLong("version"));
      shown.add(id);
      workflows.add(new JsonObject().put("id", id).put("status", w.getString("status"))
          .put("version", w.getLong("version")).put("created_at", w.getString("created_at"))
          .put("updated_at", w.getString("updated_at")));
    }
    JsonObject snapshot = new JsonObject().put("workflows", workflows).put("next_cursor", page.getString("next_cursor"));
    if (status != null) {
      snapshot.put("status", status);
    }
    write(frame("snapshot", snapshot));
    reading = false;
    pending.values().removeIf(f -> !f.change.ends() && f.change.version() <= versions.getOrDefault(f.change.id(), -1L));
    flush();
  }

  /**
   * A change of a workflow of the tenant (from the registry, on this stream's event loop), written at the
   * registry's next flush of its feeds ({@link #flush}) unless the snapshot is still being read.
   */
  boolean change(FeedFrame frame) {
    if (closed) {
      return false;
    }
    pending.merge(frame.change.id(), frame, (older, newer) -> newer.after(older));
    return !reading;
  }

  /** Events may have been missed (the transport reconnected): start over with a fresh snapshot. */
  void resync() {
    if (closed || reading || !started) {
      return;
    }
    reading = true;
    readSnapshot().onComplete(ar -> {
      if (closed) {
        return;
      }
      if (ar.succeeded()) {
        writeSnapshot(ar.result());
      } else {
        log.warn("a feed of tenant {} could not read its snapshot again ({}); closing it", tenant,
            ar.cause().getMessage());
        end();
      }
    });
  }

  /**
   * Writes what is pending in one write, unless the client has not taken the last one yet. A lone entry
   * goes out as the frame shared with the verticle's other feeds.
   */
  void flush() {
    if (closed || !started || reading || pending.isEmpty() || response.writeQueueFull()) {
      return;
    }
    // the two maps take turns: a flush per change per feed allocates none
    Map<String, FeedFrame> frames = pending;
    pending = spare;
    Buffer out = null;
    boolean shared = false;
    for (FeedFrame frame : frames.values()) {
      if (!visible(frame.change)) {
        continue;
      }
      Buffer encoded = frame.frame(format);
      if (out == null) {
        out = encoded;
        shared = true;
      } else {
        if (shared) {
          out = Buffer.buffer(out.length() * 2 + encoded.length()).appendBuffer(out);
          shared = false;
        }
        out.appendBuffer(encoded);
      }
    }
    frames.clear();
    spare = frames;
    if (out != null) {
      write(out);
    }
  }

  /**
   * Whether the client is told of a change: every one without a status filter; with one, the changes of
   * workflows in the status, and the one that takes a shown workflow out of it (or ends it).
   */
  private boolean visible(FeedChange change) {
    if (status == null) {
      return true;
    }
    if (!change.ends() && status.equals(change.status())) {
      shown.add(change.id());
      return true;
    }
    return shown.remove(change.id());
  }

  private Buffer frame(String type, JsonObject data) {
    return FeedFrame.encode(format, type, data.encode());
  }

  private void write(Buffer frames) {
    if (!closed && started) {
      response.write(frames);
    }
  }

  private void drained() {
    drains++;
    flush();
  }

  /** A heartbeat, or the check that a client with a full queue still takes something. */
  @Override
  void heartbeat() {
    if (closed || !started) {
      return;
    }
    stall.tick(response, drains, settings.stallTimeoutMs(), () -> write(SseFrames.HEARTBEAT), stalledFor -> {
      log.info("closing a feed of tenant {}: the client took nothing for {} ms", tenant, stalledFor);
      registry.meters().slowConsumerClosed();
      dispose();
      connection.close();
    });
  }

  @Override
  String sessionId() {
    return sessionId;
  }

  @Override
  void authEnded(String code, String reason) {
    write(frame("auth.expired", new JsonObject().put("code", code).put("reason", reason)));
    end();
  }

  @Override
  void end() {
    if (!closed) {
      flush();
      dispose();
      response.end();
    }
  }

  private void dispose() {
    if (!closed) {
      closed = true;
      pending.clear();
      vertx.cancelTimer(expiryTimer);
      registry.unfollow(this);
      onEnd.run();
    }
  }
}
