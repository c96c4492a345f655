package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetSocket;
import io.vertx.core.parsetools.RecordParser;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * One registration on Flowcast's TCP event-bus bridge ({@code --bridge-port}), on one lane: a connection
 * of its own, a {@code register} on {@code flowcast.events.<workflow>}, and each {@code message} frame's
 * body handed to the subscriber as an SSE event's data would be (the body is that data). Open once the
 * first message (the snapshot) arrived.
 */
final class BridgeStream implements EventStream {
  private final Lane lane;
  private final String host;
  private final int port;
  private final String workflow;
  private final String token;
  private final SseLineParser.Listener events;
  private final Promise<Void> opened = Promise.promise();
  private volatile boolean ended;
  private NetSocket socket;

  BridgeStream(Lane lane, String host, int port, String workflow, String token, SseLineParser.Listener events) {
    this.lane = lane;
    this.host = host;
    this.port = port;
    this.workflow = workflow;
    this.token = token;
    this.events = events;
  }

  @Override
  public Future<Void> open(ErrorCounts errors) {
    return lane.call(() -> lane.net().connect(port, host).compose(this::started)
        .timeout(SseConnection.OPEN_TIMEOUT_MS, TimeUnit.MILLISECONDS))
        .recover(err -> {
          errors.add(err instanceof Refused refused ? String.valueOf(refused.status) : ErrorCounts.kind(err));
          close();
          return Future.failedFuture(err);
        });
  }

  private Future<Void> started(NetSocket socket) {
    this.socket = socket;
    RecordParser parser = RecordParser.newFixed(4);
    parser.handler(new io.vertx.core.Handler<>() {
      private boolean header = true;

      @Override
      public void handle(Buffer record) {
        if (header) {
          header = false;
          parser.fixedSizeMode(record.getInt(0));
        } else {
          header = true;
          parser.fixedSizeMode(4);
          frame(record.toJsonObject());
        }
      }
    });
    socket.handler(parser);
    socket.closeHandler(v -> {
      ended = true;
      opened.tryFail("closed before the first event");
    });
    JsonObject register = new JsonObject().put("type", "register").put("address", "flowcast.events." + workflow);
    if (token != null) {
      register.put("headers", new JsonObject().put("authorization", "Bearer " + token));
    }
    byte[] json = register.encode().getBytes(StandardCharsets.UTF_8);
    socket.write(Buffer.buffer(json.length + 4).appendInt(json.length).appendBytes(json));
    return opened.future();
  }

  private void frame(JsonObject frame) {
    if ("err".equals(frame.getString("type"))) {
      ended = true;
      opened.tryFail(new Refused(frame.getInteger("failureCode", 0)));
      socket.close();
      return;
    }
    JsonObject body = frame.getJsonObject("body");
    if (body == null) {
      return;
    }
    opened.tryComplete();
    JsonObject headers = frame.getJsonObject("headers");
    events.event(headers == null ? null : headers.getString("id"), body.getString("type"), body.encode());
  }

  /** The bridge answered the registration with an err frame. */
  private static final class Refused extends RuntimeException {
    private final int status;

    Refused(int status) {
      super("err " + status, null, false, false);
      this.status = status;
    }
  }

  @Override
  public boolean ended() {
    return ended;
  }

  @Override
  public Future<Void> close() {
    return lane.call(() -> {
      ended = true;
      return socket == null ? Future.succeededFuture() : socket.close();
    });
  }
}
