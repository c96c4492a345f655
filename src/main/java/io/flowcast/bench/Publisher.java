package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.util.ArrayDeque;
import java.util.List;

/**
 * One fan-out publisher on one lane, publishing to its own workflows ({@link Slot}s) in turn until the
 * window ends. With a rate it is open-loop: a 1 ms tick releases the events due by then, and what cannot
 * be sent (too many in flight) waits; what still waits at the end is counted as unsent. Without a rate
 * it is a closed loop, one request at a time. In generic mode the bench numbers each workflow's events
 * itself, so they must reach the server in that order: a publisher sends them all over its lane's one
 * pipelined connection ({@link Lane#sendInOrder}), and several may be in flight without a round trip
 * between them (waiting for each answer would cap a workflow at one event per round trip, and on a busy
 * client the round trip includes the client's own queue).
 */
final class Publisher {
  static final int MAX_IN_FLIGHT = 256;

  /** One workflow as this publisher sees it. */
  static final class Slot {
    final int workflow;
    final Endpoint endpoint;
    int inFlight;
    long pending;
    long nextSeq;
    long lastAcked;

    Slot(int workflow, Endpoint endpoint) {
      this.workflow = workflow;
      this.endpoint = endpoint;
    }
  }

  private final Lane lane;
  private final List<Slot> slots;
  private final double ratePerSecond;
  private final boolean generic;
  /** PATCH the workflow's state (a new version) rather than publish an event. */
  private final boolean patch;
  private final String token;
  private final String pad;
  private final FanoutStats stats;
  private final Promise<Void> done = Promise.promise();
  private final ArrayDeque<Slot> waiting = new ArrayDeque<>();
  private int next;
  private int inFlight;
  private long released;
  private long timer = -1;
  private boolean stopped;

  Publisher(Lane lane, List<Slot> slots, double ratePerSecond, boolean generic, boolean patch, String token,
      String pad, FanoutStats stats) {
    this.lane = lane;
    this.slots = slots;
    this.ratePerSecond = ratePerSecond;
    this.generic = generic;
    this.patch = patch;
    this.token = token;
    this.pad = pad;
    this.stats = stats;
  }

  List<Slot> slots() {
    return slots;
  }

  /** Publishes until the window ends; completes once every request in flight has been answered. */
  Future<Void> run() {
    return lane.call(() -> {
      if (ratePerSecond > 0) {
        timer = lane.periodic(1, this::tick);
      } else {
        send(nextSlot());
      }
      return done.future();
    });
  }

  private Slot nextSlot() {
    return slots.get(next++ % slots.size());
  }

  private void tick() {
    long now = System.nanoTime();
    if (stopIfOver(now)) {
      return;
    }
    long due = (long) (ratePerSecond * (now - stats.window.start()) / 1e9) - released;
    for (long i = 0; i < due; i++) {
      Slot slot = nextSlot();
      if (slot.pending++ == 0) {
        waiting.add(slot);
      }
    }
    released += due;
    pump();
  }

  private void pump() {
    for (int n = waiting.size(); n > 0 && inFlight < MAX_IN_FLIGHT; n--) {
      Slot slot = waiting.poll();
      while (slot.pending > 0 && inFlight < MAX_IN_FLIGHT) {
        slot.pending--;
        send(slot);
      }
      if (slot.pending > 0) {
        waiting.add(slot);
      }
    }
  }

  private void send(Slot slot) {
    inFlight++;
    slot.inFlight++;
    long sent = System.nanoTime();
    long seq = ++slot.nextSeq;
    String body = generic ? BenchPayload.generic(seq, sent, pad)
        : patch ? BenchPayload.flowcastPatch(sent, pad) : BenchPayload.flowcastEvent(sent, pad);
    RequestOptions request = slot.endpoint.request(patch ? HttpMethod.PATCH : HttpMethod.POST);
    Future<Lane.Answer> answer = generic ? lane.sendInOrder(request, token, "application/json", body)
        : lane.send(request, token, patch ? "application/merge-patch+json" : "application/json", body);
    answer.onComplete(ar -> {
      long answered = System.nanoTime();
      inFlight--;
      slot.inFlight--;
      if (ar.succeeded() && ar.result().success()) {
        long acked = generic ? seq : patch ? BenchPayload.version(ar.result().body())
            : BenchPayload.seq(ar.result().body());
        slot.lastAcked = Math.max(slot.lastAcked, acked);
        stats.acknowledged(sent, answered);
      } else if (ar.succeeded()) {
        stats.publishErrors.status(ar.result().status());
      } else {
        stats.publishErrors.failure(ar.cause());
      }
      if (ratePerSecond > 0) {
        pump();
      } else if (!stopIfOver(answered)) {
        if (ar.succeeded() && ar.result().success()) {
          send(nextSlot());
        } else {
          lane.timer(10, () -> {
            if (!stopIfOver(System.nanoTime())) {
              send(nextSlot());
            }
          });
        }
      }
      finishIfDrained();
    });
  }

  private boolean stopIfOver(long now) {
    if (!stopped && stats.window.over(now)) {
      stopped = true;
      lane.cancel(timer);
      slots.forEach(slot -> {
        stats.unsent.add(slot.pending);
        slot.pending = 0;
      });
      waiting.clear();
      finishIfDrained();
    }
    return stopped;
  }

  private void finishIfDrained() {
    if (stopped && inFlight == 0) {
      done.tryComplete();
    }
  }
}
