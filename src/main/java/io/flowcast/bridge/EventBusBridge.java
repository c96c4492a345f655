package io.flowcast.bridge;

import io.flowcast.auth.TokenAuthenticator;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.BusClient;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.sse.BusSubscription;
import io.flowcast.sse.FrameFormat;
import io.flowcast.sse.SseStream;
import io.flowcast.sse.StreamRegistry;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.parsetools.RecordParser;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The event-bus bridge of one HTTP verticle (docs/EVENTBUS.md): the Vert.x TCP bridge protocol on its own
 * port ({@code bridge.tcp.port}; every HTTP verticle listens on it and Vert.x spreads connections over
 * them) and the same frames as WebSocket text messages at {@code /api/v1/bus} on the HTTP port. Its
 * registrations live in the verticle's {@link StreamRegistry}, beside its SSE streams: one event path, one
 * set of rules for gaps, revocation, expiry and slow clients.
 *
 * <p>Why not the stock {@code TcpEventBusBridge}: it registers a client's address on the event bus as
 * given (a workflow id is unique only within a tenant), buffers a frame of any announced length, and
 * writes to a client that does not read without bound. The wire protocol is the same, so its clients work.
 */
public final class EventBusBridge {
  private static final Logger log = LoggerFactory.getLogger(EventBusBridge.class);
  public static final String PATH = "/api/v1/bus";

  private final Vertx vertx;
  private final FlowcastConfig.Bridge config;
  private final String httpHost;
  private final BusClient bus;
  private final StreamRegistry registry;
  private final TokenAuthenticator tokens;
  private final RateLimits limits;
  private final SseStream.Settings settings;
  private final long heartbeatMs;
  private final Set<BridgeConnection> connections = new LinkedHashSet<>();
  private final Set<ServerWebSocket> webSockets = new LinkedHashSet<>();
  private NetServer tcp;
  private long pingTimer = -1;

  public EventBusBridge(Vertx vertx, FlowcastConfig config, BusClient bus, StreamRegistry registry,
      TokenAuthenticator tokens, RateLimits limits, SseStream.Settings settings) {
    this.vertx = vertx;
    this.config = config.bridge();
    this.httpHost = config.httpHost();
    this.bus = bus;
    this.registry = registry;
    this.tokens = tokens;
    this.limits = limits;
    this.settings = settings;
    this.heartbeatMs = config.heartbeatMs();
  }

  /** Opens the TCP listener when one is configured, and starts pinging WebSocket clients. */
  public Future<Void> start() {
    pingTimer = vertx.setPeriodic(heartbeatMs, id -> webSockets.forEach(ws -> ws.writePing(Buffer.buffer())));
    if (!config.tcp()) {
      return Future.succeededFuture();
    }
    NetServerOptions options = new NetServerOptions().setTcpNoDelay(true)
        .setReadIdleTimeout((int) config.idleTimeoutMs()).setIdleTimeoutUnit(TimeUnit.MILLISECONDS);
    if (config.tls()) {
      options.setSsl(true).setKeyCertOptions(new PemKeyCertOptions()
          .setCertPath(config.tlsCertFile()).setKeyPath(config.tlsKeyFile()));
    }
    tcp = vertx.createNetServer(options).connectHandler(this::tcpClient);
    return tcp.listen(config.tcpPort(), config.tcpHost()).mapEmpty();
  }

  /** {@code GET /api/v1/bus}: a WebSocket upgrade to the bridge. */
  public Handler<RoutingContext> webSocketEndpoint() {
    return ctx -> {
      String upgrade = ctx.request().getHeader("Upgrade");
      if (upgrade == null || !upgrade.equalsIgnoreCase("websocket")) {
        ctx.fail(ApiException.badRequest("this is the event-bus bridge: open it as a WebSocket (Upgrade: "
            + "websocket) and send the JSON frames of docs/EVENTBUS.md"));
        return;
      }
      ctx.request().toWebSocket().onFailure(err -> {
        if (!ctx.response().headWritten()) {
          ctx.fail(ApiException.badRequest("the WebSocket handshake failed: " + err.getMessage()));
        }
      }).onSuccess(this::webSocketClient);
    };
  }

  /** Tells every client the server is going away, closes them, and stops listening. */
  public Future<Void> stop() {
    vertx.cancelTimer(pingTimer);
    List.copyOf(connections).forEach(BridgeConnection::shutdown);
    return tcp == null ? Future.succeededFuture() : tcp.close();
  }

  int maxFrameBytes() {
    return config.maxFrameBytes();
  }

  BusClient bus() {
    return bus;
  }

  TokenAuthenticator tokens() {
    return tokens;
  }

  RateLimits limits() {
    return limits;
  }

  BusSubscription subscription(WorkflowKey key, BusSubscription.Connection connection, Runnable onEnd) {
    return new BusSubscription(vertx, key, registry, bus, settings, connection, onEnd);
  }

  void forget(BridgeConnection connection) {
    connections.remove(connection);
  }

  private void tcpClient(NetSocket socket) {
    BridgeConnection connection = new BridgeConnection(this, new BridgeConnection.Transport() {
      @Override
      public void write(Buffer frame) {
        socket.write(frame);
      }

      @Override
      public boolean writeQueueFull() {
        return socket.writeQueueFull();
      }

      @Override
      public void drainHandler(Handler<Void> handler) {
        socket.drainHandler(handler);
      }

      @Override
      public void pause() {
        socket.pause();
      }

      @Override
      public void resume() {
        socket.resume();
      }

      @Override
      public void close(boolean flush) {
        if (flush) {
          socket.end();
        } else {
          socket.close();
        }
      }

      @Override
      public String remote() {
        return String.valueOf(socket.remoteAddress());
      }
    }, FrameFormat.BRIDGE_TCP);
    socket.setWriteQueueMaxSize(settings.maxBacklogBytes());
    connections.add(connection);
    socket.closeHandler(v -> connection.transportClosed());
    socket.exceptionHandler(err -> log.debug("bridge client {}: {}", socket.remoteAddress(), err.getMessage()));
    socket.handler(lengthPrefixed(connection));
  }

  /**
   * Splits the TCP stream into frames: a 4-byte big-endian length, then that many bytes of JSON. A length
   * that is not positive or exceeds {@code bridge.max_frame_bytes} is refused before any of it is buffered.
   */
  private RecordParser lengthPrefixed(BridgeConnection connection) {
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new Handler<>() {
      private boolean header = true;

      @Override
      public void handle(Buffer record) {
        if (connection.closed()) {
          return;
        }
        if (!header) {
          header = true;
          parser.fixedSizeMode(4);
          connection.frame(record);
          return;
        }
        int length = record.getInt(0);
        if (length <= 0) {
          connection.refuse(400, "a frame length must be positive (4-byte big-endian length, then JSON)");
        } else if (length > config.maxFrameBytes()) {
          connection.refuse(413, "the frame is " + length + " bytes; at most " + config.maxFrameBytes()
              + " are accepted");
        } else {
          header = false;
          parser.fixedSizeMode(length);
        }
      }
    });
    return parser;
  }

  private void webSocketClient(ServerWebSocket ws) {
    BridgeConnection connection = new BridgeConnection(this, new BridgeConnection.Transport() {
      @Override
      public void write(Buffer frame) {
        ws.writeTextMessage(frame.toString());
      }

      @Override
      public boolean writeQueueFull() {
        return ws.writeQueueFull();
      }

      @Override
      public void drainHandler(Handler<Void> handler) {
        ws.drainHandler(handler);
      }

      @Override
      public void pause() {
        ws.pause();
      }

      @Override
      public void resume() {
        ws.resume();
      }

      @Override
      public void close(boolean flush) {
        // a WebSocket close is a frame of its own: it follows what was written either way
        ws.close(flush ? (short) 1000 : (short) 1008, flush ? "closed by the server" : "the client does not keep up");
      }

      @Override
      public String remote() {
        return String.valueOf(ws.remoteAddress());
      }
    }, FrameFormat.BRIDGE_WEBSOCKET);
    ws.setWriteQueueMaxSize(settings.maxBacklogBytes());
    connections.add(connection);
    webSockets.add(ws);
    ws.closeHandler(v -> {
      webSockets.remove(ws);
      connection.transportClosed();
    });
    ws.exceptionHandler(err -> log.debug("bridge client {}: {}", ws.remoteAddress(), err.getMessage()));
    ws.textMessageHandler(text -> connection.frame(Buffer.buffer(text)));
    ws.binaryMessageHandler(connection::frame);
  }
}
