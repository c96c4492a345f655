package io.flowcast.bridge;

import io.flowcast.auth.AuthHandler;
import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.sse.BusSubscription;
import io.flowcast.sse.FrameFormat;
import io.flowcast.workflow.Ids;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * One client of the event-bus bridge, over TCP or a WebSocket: reads its frames ({@code ping},
 * {@code send}, {@code register}, {@code unregister}), admits each by the JWT it carries, and answers in the
 * frames of the Vert.x TCP bridge protocol (docs/EVENTBUS.md). Commands go to the same workflow verticle
 * as the HTTP API's, with the tenant and actor of the token; registrations are {@link BusSubscription}s.
 *
 * <p>A frame that is not a JSON object of a known type, or larger than {@code bridge.max_frame_bytes},
 * gets an {@code err} frame and closes the connection. A refused command or registration gets an
 * {@code err} frame and the connection stays. Confined to its event loop.
 */
final class BridgeConnection implements BusSubscription.Connection {
  private static final Logger log = LoggerFactory.getLogger(BridgeConnection.class);
  /** Registrations one connection may hold (the stream cap per subject bounds them too, when on). */
  static final int MAX_REGISTRATIONS = 1000;
  /** Commands in flight before the connection stops reading; it reads again at half. */
  static final int MAX_IN_FLIGHT = 256;
  private static final int MAX_ADDRESS = 512;

  /** The socket under a connection. */
  interface Transport {
    /** Writes one frame as {@link #encode} made it. */
    void write(Buffer frame);

    boolean writeQueueFull();

    void drainHandler(Handler<Void> handler);

    void pause();

    void resume();

    /** Closes once what was written is sent, or at once ({@code flush} false: a client that does not read). */
    void close(boolean flush);

    String remote();
  }

  private final EventBusBridge bridge;
  private final Transport transport;
  private final FrameFormat format;
  private final Map<String, BusSubscription> subscriptions = new HashMap<>();
  private final Set<String> registering = new HashSet<>();
  private final List<Runnable> drainWaiters = new ArrayList<>();
  private long drains;
  private int inFlight;
  /** Replies wait in a full write queue: the client sends but does not read. */
  private boolean repliesBlocked;
  private boolean paused;
  private boolean closed;

  BridgeConnection(EventBusBridge bridge, Transport transport, FrameFormat format) {
    this.bridge = bridge;
    this.transport = transport;
    this.format = format;
    transport.drainHandler(v -> drained());
  }

  boolean closed() {
    return closed;
  }

  /** One complete frame from the client: its JSON text. */
  void frame(Buffer json) {
    if (closed) {
      return;
    }
    if (json.length() > bridge.maxFrameBytes()) {
      refuse(413, "the frame is " + json.length() + " bytes; at most " + bridge.maxFrameBytes() + " are accepted");
      return;
    }
    JsonObject message;
    try {
      message = json.toJsonObject();
    } catch (DecodeException | ClassCastException | IllegalStateException e) {
      refuse(400, "the frame is not a JSON object");
      return;
    }
    if (message == null) {
      refuse(400, "the frame is not a JSON object");
      return;
    }
    try {
      dispatch(message);
    } catch (ProtocolError e) {
      refuse(400, e.getMessage());
    }
  }

  /**
   * A frame the protocol cannot read (bad length, bad JSON, unknown type, fields of the wrong kind): an
   * {@code err} frame, then the connection closes.
   */
  void refuse(int status, String detail) {
    if (closed) {
      return;
    }
    log.info("bridge client {}: {}; closing the connection", transport.remote(), detail);
    writeFrame(err(null, null, new ApiException(status, detail), null));
    close();
  }

  private void dispatch(JsonObject message) {
    String type = string(message, "type", true);
    switch (type) {
      case "ping" -> writeFrame(new JsonObject().put("type", "pong"));
      case "send" -> send(string(message, "address", true), string(message, "replyAddress", false),
          headers(message), message.getValue("body"));
      case "publish" -> {
        String address = string(message, "address", true);
        headers(message);
        writeFrame(err(null, address, new ApiException(403, "access_denied: publish is not accepted; send "
            + "commands with 'send' (docs/EVENTBUS.md)"), null));
      }
      case "register" -> register(string(message, "address", true), headers(message));
      case "unregister" -> unregister(string(message, "address", true));
      default -> throw new ProtocolError("unknown frame type '" + type + "'; expected ping, send, publish, "
          + "register or unregister");
    }
  }

  private void send(String address, String replyAddress, JsonObject headers, Object body) {
    BridgeRoutes.Route route = BridgeRoutes.of(address);
    String requestId = requestId(headers);
    if (route == null) {
      writeFrame(err(replyAddress, address, new ApiException(403, "access_denied: '" + address
          + "' is not an address of the bridge (docs/EVENTBUS.md lists them)"), requestId));
      return;
    }
    if (body != null && !(body instanceof JsonObject)) {
      writeFrame(err(replyAddress, address, ApiException.badRequest("the body must be a JSON object"), requestId));
      return;
    }
    JsonObject message = body == null ? new JsonObject() : (JsonObject) body;
    started();
    authenticate(headers)
        .compose(caller -> {
          caller.require(route.scope());
          return bridge.limits().take(caller, route.write()).map(v -> route.command(message, caller, requestId));
        })
        .compose(command -> bridge.bus().request(route.address(), command))
        .onComplete(ar -> {
          finished();
          if (closed) {
            return;
          }
          if (ar.failed()) {
            writeFrame(err(replyAddress, address, ApiException.from(ar.cause()), requestId));
          } else if (replyAddress != null) {
            writeFrame(new JsonObject().put("type", "message").put("address", replyAddress)
                .put("headers", new JsonObject().put("request_id", requestId)).put("body", ar.result()));
          }
        });
  }

  private void register(String address, JsonObject headers) {
    String id = address.startsWith(Addresses.EVENTS_PREFIX) ? address.substring(Addresses.EVENTS_PREFIX.length()) : null;
    if (id == null) {
      writeFrame(err(address, address, new ApiException(403, "access_denied: only " + Addresses.EVENTS_PREFIX
          + "<workflow id> may be registered"), null));
      return;
    }
    if (!Ids.valid(id)) {
      writeFrame(err(address, address, ApiException.badRequest("workflow id must be " + Ids.rule()), null));
      return;
    }
    if (subscriptions.containsKey(address) || registering.contains(address)) {
      writeFrame(err(address, address, ApiException.conflict("already registered on " + address
          + " on this connection"), null));
      return;
    }
    if (subscriptions.size() + registering.size() >= MAX_REGISTRATIONS) {
      writeFrame(err(address, address, new ApiException(429, "at most " + MAX_REGISTRATIONS
          + " registrations per connection"), null));
      return;
    }
    Object lastEventId = headers.getValue("last_event_id");
    registering.add(address);
    authenticate(headers)
        .compose(caller -> {
          caller.require(Caller.READ);
          caller.requireWorkflow(id);
          if (caller.expiresAtEpochSecond() * 1000 <= System.currentTimeMillis()) {
            throw new ApiException(401, "the token has expired; renew it before registering");
          }
          return bridge.limits().openStream(caller).compose(slot -> {
            if (closed) {
              slot.release();
              return Future.succeededFuture();
            }
            BusSubscription subscription = bridge.subscription(new WorkflowKey(caller.tenant(), id), this,
                slot::release);
            subscriptions.put(address, subscription);
            registering.remove(address);
            return subscription.open(caller, lastEventId instanceof String s && !s.isBlank() ? s : null)
                .onFailure(err -> subscriptions.remove(address, subscription));
          });
        })
        .onFailure(err -> {
          registering.remove(address);
          if (!closed) {
            writeFrame(err(address, address, ApiException.from(err), null));
          }
        });
  }

  private void unregister(String address) {
    BusSubscription subscription = subscriptions.remove(address);
    if (subscription == null) {
      writeFrame(err(address, address, ApiException.notFound("not registered on " + address), null));
      return;
    }
    subscription.close();
  }

  private Future<Caller> authenticate(JsonObject headers) {
    Object header = headers.getValue("authorization", headers.getValue("Authorization"));
    String token = header instanceof String s ? AuthHandler.bearer(s) : null;
    if (token == null) {
      return Future.failedFuture(new ApiException(401, "a bearer token is required in headers.authorization "
          + "(\"Bearer <JWT>\")"));
    }
    return bridge.tokens().authenticate(token);
  }

  /** The frame's {@code request_id} header when it is an identifier, else a new one. */
  private static String requestId(JsonObject headers) {
    Object given = headers.getValue("request_id");
    return given instanceof String s && Ids.valid(s) ? s : UUID.randomUUID().toString();
  }

  private void started() {
    inFlight++;
    updateReading();
  }

  private void finished() {
    inFlight--;
    updateReading();
  }

  /**
   * Reads the client's frames only while it can be answered: not with {@link #MAX_IN_FLIGHT} commands in
   * flight (again at half), nor while answers wait in a full write queue (a client that sends without
   * reading would otherwise grow that queue without bound).
   */
  private void updateReading() {
    boolean pause = repliesBlocked || inFlight >= MAX_IN_FLIGHT || (paused && inFlight > MAX_IN_FLIGHT / 2);
    if (closed || pause == paused) {
      return;
    }
    paused = pause;
    if (pause) {
      transport.pause();
    } else {
      transport.resume();
    }
  }

  // ---- what subscriptions ask of their connection

  @Override
  public FrameFormat format() {
    return format;
  }

  @Override
  public void write(Buffer frame) {
    if (!closed) {
      transport.write(frame);
    }
  }

  @Override
  public boolean concatenates() {
    return format == FrameFormat.BRIDGE_TCP;
  }

  @Override
  public boolean writeQueueFull() {
    return transport.writeQueueFull();
  }

  @Override
  public long drains() {
    return drains;
  }

  @Override
  public void whenDrained(Runnable action) {
    drainWaiters.add(action);
  }

  @Override
  public void overrun(String why) {
    if (!closed) {
      writeFrame(err(null, null, new ApiException(503, why), null));
      transportClosed();
      transport.close(false);
    }
  }

  @Override
  public void ended(BusSubscription subscription, String code, String reason) {
    subscriptions.remove(subscription.address(), subscription);
    if (!closed) {
      int status = switch (code) {
        case "expired", "revoked" -> 401;
        case "gone" -> 404;
        default -> 503;
      };
      writeFrame(err(subscription.address(), subscription.address(), new ApiException(status, reason), null)
          .put("code", code));
    }
  }

  private void drained() {
    drains++;
    if (repliesBlocked) {
      repliesBlocked = false;
      updateReading();
    }
    List<Runnable> ready = List.copyOf(drainWaiters);
    drainWaiters.clear();
    if (!closed) {
      ready.forEach(Runnable::run);
    }
  }

  /** The server shuts down: tell the client, then close. */
  void shutdown() {
    if (!closed) {
      writeFrame(err(null, null, ApiException.unavailable("the server is shutting down; connect again"), null));
      close();
    }
  }

  /** Closes the connection and ends its registrations. */
  void close() {
    if (!closed) {
      transportClosed();
      transport.close(true);
    }
  }

  /** The socket closed (either side): every registration ends. */
  void transportClosed() {
    if (closed) {
      return;
    }
    closed = true;
    drainWaiters.clear();
    List.copyOf(subscriptions.values()).forEach(BusSubscription::close);
    subscriptions.clear();
    bridge.forget(this);
  }

  private void writeFrame(JsonObject frame) {
    if (!closed) {
      transport.write(encode(frame, format));
      if (!repliesBlocked && transport.writeQueueFull()) {
        repliesBlocked = true;
        updateReading();
      }
    }
  }

  /** A frame as the transport sends it: over TCP with its 4-byte length, over a WebSocket as is. */
  static Buffer encode(JsonObject frame, FrameFormat format) {
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    Buffer buffer = Buffer.buffer(json.length + 4);
    if (format == FrameFormat.BRIDGE_TCP) {
      buffer.appendInt(json.length);
    }
    return buffer.appendBytes(json);
  }

  /**
   * An {@code err} frame in the shape of the Vert.x bridge's ({@code address} is the reply address or the
   * registration it concerns, {@code sourceAddress} the address the client named), with the status and
   * the problem document the HTTP API would answer.
   */
  private static JsonObject err(String address, String sourceAddress, ApiException failure, String requestId) {
    JsonObject frame = new JsonObject().put("type", "err");
    if (address != null) {
      frame.put("address", address);
    }
    if (sourceAddress != null) {
      frame.put("sourceAddress", sourceAddress);
    }
    frame.put("failureCode", failure.status()).put("failureType", "RECIPIENT_FAILURE")
        .put("message", failure.getMessage()).put("body", failure.problem(sourceAddress, requestId));
    if (failure.retryAfterSeconds() > 0) {
      frame.put("retry_after", failure.retryAfterSeconds()); // HTTP's Retry-After, in seconds
    }
    return frame;
  }

  private static String string(JsonObject message, String field, boolean required) {
    Object value = message.getValue(field);
    if (value == null && !required) {
      return null;
    }
    if (!(value instanceof String s) || s.isEmpty() || s.length() > MAX_ADDRESS) {
      throw new ProtocolError("'" + field + "' must be a string of 1 to " + MAX_ADDRESS + " characters");
    }
    return s;
  }

  private static JsonObject headers(JsonObject message) {
    Object value = message.getValue("headers");
    if (value == null) {
      return new JsonObject();
    }
    if (!(value instanceof JsonObject headers)) {
      throw new ProtocolError("'headers' must be a JSON object");
    }
    return headers;
  }

  /** A frame the protocol cannot read. */
  private static final class ProtocolError extends RuntimeException {
    ProtocolError(String message) {
      super(message, null, false, false);
    }
  }
}
