package io.flowcast.testsupport;

import io.vertx.core.Vertx;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An SSE client as a browser's EventSource behaves: it reads a stream on a thread of its own and, when
 * the stream ends or cannot be opened, opens it again with {@code Last-Event-ID}, until stopped.
 */
public final class ResumingReader {
  private final Vertx vertx;
  private final int port;
  private final String path;
  private final String token;
  private final List<SseEvent> events = new ArrayList<>();
  private final CountDownLatch opened = new CountDownLatch(1);
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String lastId;
  private volatile int reconnects;

  private ResumingReader(Vertx vertx, int port, String path, String token) {
    this.vertx = vertx;
    this.port = port;
    this.path = path;
    this.token = token;
    this.thread = new Thread(this::read, "reader " + path);
  }

  public static ResumingReader start(Vertx vertx, int port, String path, String token) {
    ResumingReader reader = new ResumingReader(vertx, port, path, token);
    reader.thread.start();
    return reader;
  }

  private void read() {
    for (boolean first = true; running; first = false) {
      if (!first) {
        reconnects++;
      }
      try (SseClient sse = SseClient.open(vertx, port, path, token, lastId)) {
        if (sse.status() != 200) {
          pause();
          continue;
        }
        while (running) {
          SseEvent event = sse.poll(100);
          if (event == null) {
            if (sse.ended()) {
              break;
            }
            continue;
          }
          if (event.id() != null) {
            lastId = event.id();
          }
          if ("snapshot".equals(event.event())) {
            opened.countDown();
          } else if (event.id() != null) {
            synchronized (events) {
              events.add(event);
            }
          }
        }
      } catch (InterruptedException e) {
        return;
      } catch (RuntimeException refused) { // connection refused or reset: as EventSource, try again
        pause();
      }
    }
  }

  private void pause() {
    try {
      Thread.sleep(100);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  /** Waits for the first snapshot. */
  public void awaitOpen() throws InterruptedException {
    assertThat(opened.await(15, TimeUnit.SECONDS)).as(path + " opened").isTrue();
  }

  /** Waits until every one of {@code ids} has been read. */
  public void awaitIds(Set<String> ids, int seconds) {
    Eventually.until(path + " delivering " + ids.size() + " acknowledged events", Duration.ofSeconds(seconds),
        () -> ids().containsAll(ids));
  }

  public Set<String> ids() {
    synchronized (events) {
      Set<String> ids = new HashSet<>();
      events.forEach(e -> ids.add(e.id()));
      return ids;
    }
  }

  public void stop() throws InterruptedException {
    running = false;
    thread.join(10_000);
  }

  public int reconnects() {
    return reconnects;
  }

  /** Every event once, in order, each the next seq of the one before. */
  public void assertNoGapAndNoDuplicate() {
    synchronized (events) {
      Set<String> seen = new HashSet<>();
      for (int i = 0; i < events.size(); i++) {
        SseEvent event = events.get(i);
        assertThat(seen.add(event.id())).as(path + ": no duplicate of " + event.id()).isTrue();
        if (i > 0) {
          assertThat(event.seq()).as(path + ": no gap after " + events.get(i - 1).id())
              .isEqualTo(events.get(i - 1).seq() + 1);
        }
      }
    }
  }
}
