package io.flowcast.snapshot;

import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.MergePatch;
import io.flowcast.workflow.Workflow;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * A replay of a workflow's event log ({@link StateHistory}): the workflow as the events so far made it (from
 * its creation, or from a labelled snapshot), and the wanted versions found on the way.
 */
public final class Replay {
  final Workflow current;
  final Set<Long> wanted;
  final Map<Long, Workflow> found = new HashMap<>();
  String status;
  JsonObject state = new JsonObject();
  JsonObject metadata = new JsonObject();
  long seq;
  long version;

  Replay(Workflow current, Set<Long> wanted) {
    this.current = current;
    this.wanted = wanted;
    if (wanted.contains(current.version())) {
      found.put(current.version(), current);
    }
  }

  boolean done() {
    return found.size() == wanted.size();
  }

  /** Events that make a new version: the first event of each version is one of these. */
  public static boolean changes(JsonObject event) {
    return switch (event.getString("type")) {
      case EventTypes.CREATED, EventTypes.ROLLED_BACK, EventTypes.STATE_UPDATED, EventTypes.STATUS_CHANGED,
          EventTypes.CANCELLED, EventTypes.DRAFT_COMMITTED -> true;
      default -> false;
    };
  }

  /** The workflow a snapshot holds. */
  Workflow fromSnapshot(JsonObject snapshot) {
    return current.asOf(snapshot.getString("status"), snapshot.getJsonObject("state").copy(),
        snapshot.getJsonObject("metadata").copy(), snapshot.getLong("version"),
        Instant.parse(snapshot.getString("updated_at"))).withEvent(null, 0);
  }

  /** Goes on from a snapshot, the log from after {@code seq}: its events of the snapshot's version or older are in it. */
  void startFrom(JsonObject snapshot, long seq) {
    this.status = snapshot.getString("status");
    this.state = snapshot.getJsonObject("state").copy();
    this.metadata = snapshot.getJsonObject("metadata").copy();
    this.version = snapshot.getLong("version");
    this.seq = seq;
  }

  void apply(JsonObject event) {
    long made = event.getLong("version");
    if (made <= version) {
      seq = event.getLong("seq"); // made before the snapshot the replay started from: already in it
      return;
    }
    seq = event.getLong("seq");
    JsonObject data = event.getValue("data") instanceof JsonObject o ? o : new JsonObject();
    switch (event.getString("type")) {
      case EventTypes.CREATED -> {
        status = data.getString("status");
        state = data.getJsonObject("state", new JsonObject());
        metadata = data.getJsonObject("metadata", new JsonObject());
      }
      case EventTypes.STATE_UPDATED, EventTypes.STATUS_CHANGED, EventTypes.CANCELLED -> {
        if (data.getValue("status") instanceof String s) {
          status = s;
        }
        if (data.getValue("metadata") instanceof JsonObject patch) {
          metadata = MergePatch.apply(metadata, patch);
        }
        state = stateAfter(state, event);
      }
      default -> state = stateAfter(state, event);
    }
    if (made > version) {
      version = made;
      if (wanted.contains(made) && !found.containsKey(made)) {
        found.put(made, workflow(event));
      }
    }
  }

  /**
   * The state after {@code event}, from the state before it (a new object when it changes; the same one when
   * the event leaves the state as it is): the one place the log's events are read as state changes.
   */
  public static JsonObject stateAfter(JsonObject state, JsonObject event) {
    JsonObject data = event.getValue("data") instanceof JsonObject o ? o : new JsonObject();
    return switch (event.getString("type")) {
      case EventTypes.ROLLED_BACK -> data.getJsonObject("state", new JsonObject());
      case EventTypes.STATE_UPDATED, EventTypes.STATUS_CHANGED, EventTypes.CANCELLED ->
          data.getValue("state") instanceof JsonObject patch ? MergePatch.apply(state, patch) : state;
      case EventTypes.DRAFT_COMMITTED -> {
        JsonObject sections = state.getValue("sections") instanceof JsonObject o ? o.copy() : new JsonObject();
        yield state.copy().put("sections", sections.put(data.getString("section_id"), data.getString("raw_draft")));
      }
      default -> state;
    };
  }

  /** The workflow as this event made it. */
  private Workflow workflow(JsonObject event) {
    Instant at = Instant.parse(event.getString("created_at"));
    return current.asOf(status, state.copy(), metadata.copy(), version, at).withEvent(event.getString("id"), seq);
  }
}
