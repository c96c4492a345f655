package io.flowcast.testsupport;

import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.JsonObject;

import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A client of the event-bus bridge as another language would write one: over a plain TCP socket (4-byte
 * big-endian length, then JSON) or a WebSocket (one JSON text message per frame). Received frames are
 * queued for the test thread; the end of the connection is noted.
 */
public final class BridgeClient implements AutoCloseable {
  private final BlockingQueue<JsonObject> frames = new LinkedBlockingQueue<>();
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Socket socket;
  private final WebSocket webSocket;
  private final WebSocketClient webSocketClient;
  private volatile String unparsable;

  private BridgeClient(Socket socket, WebSocket webSocket, WebSocketClient webSocketClient) {
    this.socket = socket;
    this.webSocket = webSocket;
    this.webSocketClient = webSocketClient;
  }

  /** Connects over TCP to {@code port} on 127.0.0.1. */
  public static BridgeClient tcp(int port) {
    try {
      Socket socket = new Socket("127.0.0.1", port);
      socket.setTcpNoDelay(true);
      BridgeClient client = new BridgeClient(socket, null, null);
      Thread reader = new Thread(client::readTcp, "bridge-client-" + port);
      reader.setDaemon(true);
      reader.start();
      return client;
    } catch (IOException e) {
      throw new IllegalStateException("cannot connect to the bridge on port " + port, e);
    }
  }

  /** Connects a WebSocket to {@code /api/v1/bus} on the HTTP port. */
  public static BridgeClient webSocket(Vertx vertx, int httpPort) {
    WebSocketClient wsClient = vertx.createWebSocketClient();
    WebSocket ws = wsClient.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(httpPort)
        .setURI("/api/v1/bus")).await();
    BridgeClient client = new BridgeClient(null, ws, wsClient);
    ws.textMessageHandler(text -> client.received(text));
    ws.closeHandler(v -> client.closed.countDown());
    return client;
  }

  private void readTcp() {
    try (DataInputStream in = new DataInputStream(socket.getInputStream())) {
      while (true) {
        int length = in.readInt();
        byte[] json = new byte[length];
        in.readFully(json);
        received(new String(json, StandardCharsets.UTF_8));
      }
    } catch (EOFException end) {
      // the server closed the connection
    } catch (IOException e) {
      // closed by either side
    } finally {
      closed.countDown();
    }
  }

  private void received(String text) {
    try {
      frames.add(new JsonObject(text));
    } catch (RuntimeException e) {
      unparsable = text;
    }
  }

  /** Sends one frame. */
  public BridgeClient send(JsonObject frame) {
    if (webSocket != null) {
      webSocket.writeTextMessage(frame.encode()).await();
      return this;
    }
    byte[] json = frame.encode().getBytes(StandardCharsets.UTF_8);
    return raw(ByteBuffer.allocate(4 + json.length).putInt(json.length).put(json).array());
  }

  /** Sends bytes as they are (TCP only): hand-made frames, broken ones included. */
  public BridgeClient raw(byte[] bytes) {
    try {
      OutputStream out = socket.getOutputStream();
      out.write(bytes);
      out.flush();
      return this;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Sends text as one WebSocket message (WebSocket only). */
  public BridgeClient rawText(String text) {
    webSocket.writeTextMessage(text).await();
    return this;
  }

  /** {@code send} to {@code address} with a reply address, the token in the headers. */
  public BridgeClient request(String address, String token, JsonObject body, String replyAddress) {
    JsonObject frame = new JsonObject().put("type", "send").put("address", address).put("body", body)
        .put("replyAddress", replyAddress);
    if (token != null) {
      frame.put("headers", new JsonObject().put("authorization", "Bearer " + token));
    }
    return send(frame);
  }

  /** Sends a command and waits for its reply or error (the frame addressed to its reply address). */
  public JsonObject call(String address, String token, JsonObject body) {
    String reply = "reply-" + System.nanoTime();
    request(address, token, body, reply);
    return next(f -> reply.equals(f.getString("address")), 10);
  }

  public BridgeClient register(String address, String token, String lastEventId) {
    JsonObject headers = new JsonObject();
    if (token != null) {
      headers.put("authorization", "Bearer " + token);
    }
    if (lastEventId != null) {
      headers.put("last_event_id", lastEventId);
    }
    return send(new JsonObject().put("type", "register").put("address", address).put("headers", headers));
  }

  /** The next frame, or a failure after {@code seconds}. */
  public JsonObject next(int seconds) {
    return next(f -> true, seconds);
  }

  /** The next frame that matches (frames before it are dropped), or a failure after {@code seconds}. */
  public JsonObject next(Predicate<JsonObject> wanted, int seconds) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    try {
      while (true) {
        long left = deadline - System.nanoTime();
        JsonObject frame = left <= 0 ? null : frames.poll(left, TimeUnit.NANOSECONDS);
        if (frame == null) {
          throw new AssertionError("no matching bridge frame within " + seconds + " s"
              + (unparsable != null ? "; unparsable: " + unparsable : "") + "; still queued: " + frames);
        }
        if (wanted.test(frame)) {
          return frame;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  /** A frame that arrives within {@code millis}, or null. */
  public JsonObject poll(long millis) {
    try {
      return frames.poll(millis, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Whether the server closed the connection within {@code seconds}. */
  public boolean awaitClose(int seconds) {
    try {
      return closed.await(seconds, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  public Socket socket() {
    return socket;
  }

  @Override
  public void close() {
    try {
      if (socket != null) {
        socket.close();
      }
      if (webSocket != null) {
        webSocket.close();
        webSocketClient.close();
      }
    } catch (IOException e) {
      // closing anyway
    }
  }
}
