package io.flowcast.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Generic mode against a publisher that answers each publish only {@link #ANSWER_DELAY_MS} after it took
 * it (as nginx + nchan does when its workers are busy): the bench still publishes at the asked rate,
 * because it pipelines a workflow's publishes on one connection instead of waiting for each answer, and
 * the events still arrive in the order it numbered them.
 */
class PipelinedPublishTest {
  private static final long ANSWER_DELAY_MS = 40;

  /**
   * An HTTP/1.1 publish endpoint on a plain TCP server: it reads pipelined {@code POST /pub/<channel>}
   * requests, hands each body to the hub at once, and answers each 201 {@link #ANSWER_DELAY_MS} later, in
   * order. Records how many requests were ever waiting for their answer at the same time.
   */
  private static final class SlowAnswers implements AutoCloseable {
    private final NetServer server;
    final AtomicInteger mostInFlight = new AtomicInteger();

    SlowAnswers(Vertx vertx, TinySseHub hub) {
      server = vertx.createNetServer().connectHandler(socket -> new Connection(vertx, socket, hub));
      server.listen(0, "127.0.0.1").await();
    }

    int port() {
      return server.actualPort();
    }

    private final class Connection {
      private Buffer pending = Buffer.buffer();
      private final ArrayDeque<Long> answers = new ArrayDeque<>();

      Connection(Vertx vertx, NetSocket socket, TinySseHub hub) {
        socket.handler(data -> {
          pending.appendBuffer(data);
          while (true) {
            String text = pending.toString(StandardCharsets.ISO_8859_1);
            int head = text.indexOf("\r\n\r\n");
            if (head < 0) {
              return;
            }
            int length = 0;
            String channel = "";
            for (String line : text.substring(0, head).split("\r\n")) {
              if (line.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(line.substring(15).trim());
              } else if (line.startsWith("POST /pub/")) {
                channel = line.substring(10, line.indexOf(' ', 10));
              }
            }
            if (text.length() < head + 4 + length) {
              return;
            }
            String body = text.substring(head + 4, head + 4 + length);
            pending = pending.getBuffer(head + 4 + length, pending.length());
            hub.publish(channel, body);
            answers.add(System.nanoTime());
            mostInFlight.accumulateAndGet(answers.size(), Math::max);
            vertx.setTimer(ANSWER_DELAY_MS, id -> {
              answers.poll();
              socket.write("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
            });
          }
        });
      }
    }

    @Override
    public void close() {
      server.close().await();
    }
  }

  @Test
  void aWorkflowsPublishesArePipelinedAndArriveInOrder() {
    Vertx vertx = Vertx.vertx();
    try (TinySseHub hub = new TinySseHub(vertx, 0); SlowAnswers publish = new SlowAnswers(vertx, hub)) {
      JsonObject report = bench("fanout", "--sse-url-template", "http://127.0.0.1:" + hub.port() + "/sub/{workflow}",
          "--publish-url-template", "http://127.0.0.1:" + publish.port() + "/pub/{workflow}", "--subscribers", "4",
          "--workflows", "1", "--rate", "200", "--publishers", "1", "--duration", "2", "--warmup", "0");
      // one answer at a time would cap the workflow at 1000 / 40 = 25 events/s
      assertThat(report.getDouble("published_per_s")).isGreaterThan(150.0);
      assertThat(publish.mostInFlight.get()).isGreaterThan(1);
      JsonObject check = report.getJsonObject("check");
      assertThat(check.getBoolean("ok")).as(check.encode()).isTrue();
      assertThat(check.getLong("reorders")).isZero();
      assertThat(check.getLong("received")).isGreaterThanOrEqualTo(4L * 300);
    } finally {
      vertx.close().await();
    }
  }

  private static JsonObject bench(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "bench";
    System.arraycopy(args, 0, all, 1, args.length);
    all[all.length - 1] = "--json";
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status = BenchCommand.run(all, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
    assertThat(status).as(err.toString(StandardCharsets.UTF_8)).isZero();
    return new JsonObject(out.toString(StandardCharsets.UTF_8));
  }
}
