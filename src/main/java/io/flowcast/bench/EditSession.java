package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.ThreadLocalRandom;

/**
 * One user of the seed workload ({@code bench cold-start}, {@code bench sessions}): it creates its own
 * workflow, opens that workflow's SSE stream, then sends {@code plan.editsPerSecond()} edits per second
 * (open loop: an edit is sent when due, whether or not the one before was answered) until the end. An
 * edit is a merge patch or, for {@code plan.eventShare()} of them, a custom event; each carries its
 * send time {@code t} and its number {@code n}, which come back in its frame on the stream. The session
 * remembers, per edit, the version (PATCH) or seq (event) the answer gave and the one its frame carried,
 * so the run can check that every acknowledged edit reached its own stream as the event the server
 * said. Lives on its lane.
 */
final class EditSession implements SseLineParser.Listener {
  static final String EVENT_TYPE = "bench.edit";

  /**
   * What a session sends: edits per second, the share of them sent as custom events, padding, and how many
   * may wait for their answer at once: an edit due while that many wait is not sent but counted as failed
   * ({@code in flight}), so a server that falls behind meets a bounded client instead of one whose queues
   * of waiting requests grow until its own event loops stall.
   */
  record Plan(int editsPerSecond, double eventShare, String pad, int maxInFlight) {
  }

  private final Lane lane;
  private final int index;
  private final String workflowId;
  private final String token;
  private final String baseUrl;
  private final long periodNanos;
  private final double eventShare;
  private final int maxInFlight;
  private final String pad;
  private final EditTally tally;
  private final ErrorCounts errors;
  /** With a PostgreSQL check: every acknowledged edit, by workflow {@code index}; else null. */
  private final DurableCheck durable;
  private final Promise<Void> done = Promise.promise();
  private SseConnection stream;
  private long first;
  private long end;
  private long next;
  private int n;
  private int inFlight;
  private boolean stopped;
  /** Per edit number: the version or seq its answer gave (0: not acknowledged) and its frame carried. */
  private long[] answeredAs = new long[0];
  private long[] streamedAs = new long[0];
  /** Frames of an edit already seen: the same event again, or another event carrying the same edit. */
  private long repeated;
  private long madeTwice;
  /** Reset frames: the server said the stream's position was gone (never expected on a session's own stream). */
  private long resets;

  EditSession(Lane lane, int index, String workflowId, String token, String baseUrl, Plan plan, EditTally tally,
      ErrorCounts errors, DurableCheck durable) {
    this.lane = lane;
    this.index = index;
    this.workflowId = workflowId;
    this.token = token;
    this.baseUrl = baseUrl;
    this.periodNanos = 1_000_000_000L / plan.editsPerSecond();
    this.eventShare = plan.eventShare();
    this.maxInFlight = plan.maxInFlight();
    this.pad = plan.pad().isEmpty() ? "" : ",\"pad\":\"" + plan.pad() + "\"";
    this.tally = tally;
    this.errors = errors;
    this.durable = durable;
  }

  /** Opens the session and edits until {@code endNanos}; a session whose setup fails has counted why and ends. */
  Future<Void> run(long endNanos, int lifetimeSeconds) {
    return open(lifetimeSeconds).transform(ar -> ar.succeeded()
        ? edit(System.nanoTime() + ThreadLocalRandom.current().nextLong(periodNanos), endNanos)
        : Future.succeededFuture());
  }

  /**
   * Creates the workflow and opens its stream (up to its first frame, the snapshot); fails, having
   * counted the failure, if either fails.
   */
  Future<Void> open(int lifetimeSeconds) {
    return lane.call(() -> {
      String body = new JsonObject().put("id", workflowId).put("ttl_seconds", lifetimeSeconds)
          .put("state", new JsonObject()).encode();
      return lane.send(Targets.workflows(baseUrl).request(HttpMethod.POST), token, "application/json", body)
          .compose(created -> created.status() == 201 ? Future.succeededFuture()
              : Future.failedFuture(new BenchException("create answered " + created.status())))
          .compose(v -> {
            stream = new SseConnection(lane, Targets.stream(baseUrl, workflowId), token, true, this);
            return stream.open(errors);
          })
          .onSuccess(v -> tally.sessionReady(System.nanoTime()))
          .onFailure(err -> {
            if (!(err instanceof BenchException)) {
              errors.failure(err);
            } else {
              errors.add("setup " + err.getMessage());
            }
          });
    });
  }

  /**
   * Sends edits on the schedule starting at {@code firstNanos} until {@code endNanos}; completes once
   * every edit sent has been answered.
   */
  Future<Void> edit(long firstNanos, long endNanos) {
    return lane.call(() -> {
      first = firstNanos;
      next = firstNanos;
      end = endNanos;
      int most = (int) Math.max(0, (endNanos - firstNanos) / periodNanos) + 2;
      answeredAs = new long[most];
      streamedAs = new long[most];
      schedule();
      return done.future();
    });
  }

  private void schedule() {
    if (next >= end || n + 1 >= answeredAs.length) {
      stopped = true;
      finishIfDrained();
      return;
    }
    lane.timer(Math.max(1, (next - System.nanoTime()) / 1_000_000), this::edit);
  }

  private void edit() {
    long intended = next;
    long sent = System.nanoTime();
    next += periodNanos;
    if (inFlight >= maxInFlight) {
      tally.failed(intended, sent);
      errors.add("not sent: " + maxInFlight + " in flight");
      schedule();
      return;
    }
    int number = ++n;
    inFlight++;
    tally.sent(intended, sent);
    boolean event = eventShare > 0 && ThreadLocalRandom.current().nextDouble() < eventShare;
    var request = event
        ? lane.send(Targets.events(baseUrl, workflowId).request(HttpMethod.POST), token, "application/json",
            "{\"type\":\"" + EVENT_TYPE + "\",\"data\":{\"t\":" + sent + ",\"n\":" + number + pad + "}}")
        : lane.send(Targets.patch(baseUrl, workflowId).request(HttpMethod.PATCH), token,
            "application/merge-patch+json", "{\"state\":{\"k" + (number % WriteScenario.STATE_KEYS) + "\":\"s" + index
                + "-" + number + "\",\"t\":" + sent + ",\"n\":" + number + pad + "}}");
    request.onComplete(ar -> {
      long answered = System.nanoTime();
      inFlight--;
      if (ar.succeeded() && ar.result().success()) {
        tally.acknowledged(intended, sent, answered, event);
        answered(number, event, ar.result().body());
      } else {
        tally.failed(intended, sent);
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

  /** Remembers which event the server made of edit {@code number}: a PATCH's version, an event's seq. */
  private void answered(int number, boolean event, String body) {
    long as = event ? BenchPayload.seq(body) : BenchPayload.version(body);
    answeredAs[number] = as == Long.MIN_VALUE ? -1 : as;
    if (durable != null) {
      durable.acknowledged(index, event, as);
    }
  }

  private void finishIfDrained() {
    if (stopped && inFlight == 0) {
      done.tryComplete();
    }
  }

  @Override
  public void event(String id, String type, String data) {
    if (type.equals("reset")) {
      resets++;
      return;
    }
    boolean event = type.equals(EVENT_TYPE);
    if (!event && !type.equals("state.updated")) {
      return;
    }
    long number = BenchPayload.number(data, "\"n\":");
    long t = BenchPayload.sentNanos(data);
    if (number <= 0 || number >= streamedAs.length || t == Long.MIN_VALUE) {
      return;
    }
    int k = (int) number;
    long as = event ? BenchPayload.seq(data) : BenchPayload.version(data);
    as = as == Long.MIN_VALUE ? -1 : as;
    if (streamedAs[k] != 0) {
      if (streamedAs[k] == as) {
        repeated++;
      } else {
        madeTwice++;
      }
      return;
    }
    streamedAs[k] = as;
    tally.delivered(first + (k - 1) * periodNanos, t, System.nanoTime());
  }

  /** Whether every acknowledged edit has reached the stream (the drain waits for it). On the lane. */
  Future<Boolean> allStreamed() {
    return lane.call(() -> {
      for (int k = 1; k <= n; k++) {
        if (answeredAs[k] != 0 && streamedAs[k] == 0) {
          return Future.succeededFuture(false);
        }
      }
      return Future.succeededFuture(true);
    });
  }

  /** Adds this session's edits to the stream check; on the lane, after the drain. */
  Future<Void> check(StreamCheck check) {
    return lane.call(() -> {
      long acknowledged = 0;
      long seen = 0;
      long missing = 0;
      long mismatched = 0;
      for (int k = 1; k <= n; k++) {
        if (answeredAs[k] != 0) {
          acknowledged++;
          if (streamedAs[k] == 0) {
            missing++;
          } else if (streamedAs[k] != answeredAs[k] || answeredAs[k] < 0) {
            mismatched++;
          }
        }
        if (streamedAs[k] != 0) {
          seen++;
        }
      }
      check.add(acknowledged, seen, missing, mismatched, repeated, madeTwice, resets,
          stream != null && stream.ended());
      return Future.succeededFuture();
    });
  }

  Future<Void> close() {
    return stream == null ? Future.succeededFuture() : stream.close();
  }
}
