package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One session of {@code bench cold-start}, as a user of a fresh instance meets it: it creates its own
 * workflow, opens that workflow's SSE stream, then sends {@code edits} merge patches per second (open
 * loop: an edit is sent when due, whether or not the one before was answered) until the end. Each patch
 * carries its send time {@code t}, which comes back in its {@code state.updated} event. Lives on its lane.
 */
final class ColdSession implements SseLineParser.Listener {
  private final Lane lane;
  private final int index;
  private final String workflowId;
  private final String token;
  private final String baseUrl;
  private final long periodNanos;
  private final String pad;
  private final SecondStats stats;
  private final ErrorCounts errors;
  private final Promise<Void> done = Promise.promise();
  private SseConnection stream;
  private long end;
  private long next;
  private long n;
  private int inFlight;
  private boolean stopped;

  ColdSession(Lane lane, int index, String workflowId, String token, String baseUrl, int editsPerSecond, String pad,
      SecondStats stats, ErrorCounts errors) {
    this.lane = lane;
    this.index = index;
    this.workflowId = workflowId;
    this.token = token;
    this.baseUrl = baseUrl;
    this.periodNanos = 1_000_000_000L / editsPerSecond;
    this.pad = pad.isEmpty() ? "" : ",\"pad\":\"" + pad + "\"";
    this.stats = stats;
    this.errors = errors;
  }

  /**
   * Creates the workflow, opens the stream, edits until {@code endNanos}; completes once every edit sent
   * has been answered. A session whose setup fails counts the failure and ends.
   */
  Future<Void> run(long endNanos, int lifetimeSeconds) {
    end = endNanos;
    return lane.call(() -> {
      String body = new JsonObject().put("id", workflowId).put("ttl_seconds", lifetimeSeconds)
          .put("state", new JsonObject()).encode();
      lane.send(Targets.workflows(baseUrl).request(HttpMethod.POST), token, "application/json", body)
          .compose(created -> created.status() == 201 ? Future.succeededFuture()
              : Future.failedFuture(new BenchException("create answered " + created.status())))
          .compose(v -> {
            stream = new SseConnection(lane, Targets.stream(baseUrl, workflowId), token, true, this);
            return stream.open(errors);
          })
          .onSuccess(v -> {
            stats.sessionReady(System.nanoTime());
            // sessions spread their edits over the period instead of all sending on the same tick
            next = System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos);
            schedule();
          })
          .onFailure(err -> {
            if (!(err instanceof BenchException)) {
              errors.failure(err);
            } else {
              errors.add("setup " + err.getMessage());
            }
            done.tryComplete();
          });
      return done.future();
    });
  }

  private void schedule() {
    if (next >= end) {
      stopped = true;
      finishIfDrained();
      return;
    }
    lane.timer(Math.max(1, (next - System.nanoTime()) / 1_000_000), this::edit);
  }

  private void edit() {
    long sent = System.nanoTime();
    next += periodNanos;
    n++;
    inFlight++;
    stats.sent(sent);
    String patch = "{\"state\":{\"k" + (n % WriteScenario.STATE_KEYS) + "\":\"s" + index + "-" + n + "\",\"t\":" + sent
        + pad + "}}";
    lane.send(Targets.patch(baseUrl, workflowId).request(HttpMethod.PATCH), token, "application/merge-patch+json",
        patch).onComplete(ar -> {
          long answered = System.nanoTime();
          inFlight--;
          if (ar.succeeded() && ar.result().success()) {
            stats.acknowledged(sent, answered);
          } else {
            stats.failed(sent);
            if (ar.succeeded()) {
              errors.status(ar.result().status());
            } else {
              errors.failure(ar.cause());
            }
          }
          finishIfDrained();
        });
    schedule();
  }

  private void finishIfDrained() {
    if (stopped && inFlight == 0) {
      done.tryComplete();
    }
  }

  @Override
  public void event(String id, String type, String data) {
    if (type.equals("state.updated")) {
      long t = BenchPayload.sentNanos(data);
      if (t != Long.MIN_VALUE) {
        stats.delivered(t, System.nanoTime());
      }
    }
  }

  Future<Void> close() {
    return stream == null ? Future.succeededFuture() : stream.close();
  }
}
