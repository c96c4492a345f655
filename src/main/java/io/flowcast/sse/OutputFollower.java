package io.flowcast.sse;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.BusClient;
import io.flowcast.workflow.EventTypes;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The part of a {@link WorkflowFeed} that follows the workflow's outputs (docs/API.md, "Outputs"). Deltas are
 * not in the log, so a client's position in an output is its text's length: once the feed has caught up
 * with the log it reads every output (the live deltas are held meanwhile, the subscription being in place
 * first), sends each open one's text so far as one {@code output.snapshot}, then the held and live deltas
 * that begin at the end of what the client has, dropping those it has. A delta that begins further on means
 * one was lost on the way (pub/sub is at most once): the outputs are read again.
 */
final class OutputFollower {
  /** Deltas held while the outputs are read: beyond this many the stream ends and the client resumes. */
  static final int MAX_HELD = 4096;

  private record Held(OutputDelta delta, Buffer frame) {
  }

  private final WorkflowFeed feed;
  private final FeedOwner stream;
  private final BusClient bus;
  private final Vertx vertx;
  /** The length of each output the client has; null while it is not known (deltas are held). */
  private Map<String, Long> ends;
  /** Outputs whose whole text the client has (an {@code output.closed}, or a snapshot of a closed one). */
  private final Set<String> closed = new HashSet<>();
  private final List<Held> held = new ArrayList<>();
  /** Whether the client starts from nothing (a snapshot or reset): closed outputs are sent too. */
  private boolean fresh;
  private boolean reading;
  /** Counts restarts, so a read answered after one is ignored. */
  private int generation;
  /** How many of the held deltas arrived before the read in flight was asked. */
  private int heldBeforeRead;

  OutputFollower(WorkflowFeed feed, FeedOwner stream, BusClient bus, Vertx vertx) {
    this.feed = feed;
    this.stream = stream;
    this.bus = bus;
    this.vertx = vertx;
  }

  /** The outputs must be learnt again: the client starts afresh ({@code fresh}), or deltas may have been lost. */
  void restart(boolean fresh) {
    this.fresh |= fresh;
    if (fresh) {
      closed.clear();
    }
    ends = null;
    reading = false;
    generation++;
  }

  /** The feed has caught up with the log: learn the outputs, or pass on the deltas held meanwhile. */
  void synced() {
    if (ends == null) {
      if (!reading) {
        read();
      }
    } else {
      release();
    }
  }

  /** A live delta (the frame is shared: never modify it). */
  void delta(OutputDelta delta, Buffer frame) {
    if (ends == null || feed.syncing()) {
      if (held.size() >= MAX_HELD) {
        stream.end(); // the client resumes with Last-Event-ID and gets the text so far
        return;
      }
      held.add(new Held(delta, frame));
      return;
    }
    if (closed.contains(delta.name())) {
      return;
    }
    long end = ends.getOrDefault(delta.name(), 0L);
    if (delta.offset() + delta.length() <= end) {
      return; // the client has it (in a snapshot)
    }
    if (delta.offset() != end) {
      ends = null;
      held.add(new Held(delta, frame));
      read();
      return;
    }
    ends.put(delta.name(), end + delta.length());
    stream.event(feed, EventTypes.OUTPUT_DELTA, delta.json(), true, frame, true);
    stream.delivered();
  }

  /** The client got an {@code output.closed} (the whole text) from the log. */
  void closedEvent(String json) {
    JsonObject data = new JsonObject(json).getJsonObject("data", new JsonObject());
    String name = data.getString("name");
    if (name != null) {
      closed.add(name);
    }
  }

  private void read() {
    if (feed.syncing() || feed.ended()) {
      return; // synced() reads
    }
    reading = true;
    heldBeforeRead = held.size();
    int asked = ++generation;
    // a client that resumes has the closed outputs' text from the log: only a fresh one needs theirs
    bus.request(Addresses.OUTPUT_LIST, feed.target().put("open_only", !fresh)).onComplete(ar -> {
      if (asked != generation || feed.ended() || stream.closed()) {
        return;
      }
      reading = false;
      if (ar.succeeded()) {
        learnt(ar.result().getJsonArray("outputs", new JsonArray()));
      } else if (ApiException.from(ar.cause()).status() != 404) {
        vertx.setTimer(500, id -> {
          if (asked == generation && ends == null && !reading) {
            read();
          }
        });
      }
    });
  }

  /** Sends the text so far of each output the client lacks, then the deltas held meanwhile. */
  private void learnt(JsonArray outputs) {
    ends = new HashMap<>();
    for (int i = 0; i < outputs.size(); i++) {
      JsonObject output = outputs.getJsonObject(i);
      String name = output.getString("name");
      String text = output.getString("text");
      boolean isClosed = output.getBoolean("closed", false);
      ends.put(name, (long) text.length());
      if (closed.contains(name) || isClosed && !fresh) {
        continue; // its output.closed (the whole text) is, or comes, from the log
      }
      if (isClosed) {
        closed.add(name);
      }
      JsonObject snapshot = new JsonObject().put("workflow_id", feed.key().id()).put("name", name).put("offset", 0)
          .put("text", text).put("length", text.length()).put("closed", isClosed);
      stream.event(feed, EventTypes.OUTPUT_SNAPSHOT, snapshot.encode(), false, null, false);
    }
    fresh = false;
    release(heldBeforeRead);
  }

  private void release() {
    release(0);
  }

  /**
   * Passes on the held deltas. The first {@code published} were published before the read that ended
   * ran: its text holds them, or they belong to no text it knows (a stale frame); either way they are
   * never a reason to read again.
   */
  private void release(int published) {
    List<Held> pending = List.copyOf(held);
    held.clear();
    for (int i = 0; i < pending.size(); i++) {
      OutputDelta delta = pending.get(i).delta();
      if (i < published && ends != null && delta.offset() > ends.getOrDefault(delta.name(), 0L)) {
        continue;
      }
      delta(delta, pending.get(i).frame());
    }
  }
}
