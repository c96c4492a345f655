package io.flowcast.snapshot;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.EventSlice;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.MergePatch;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workflow as it was at given versions, replayed from its event log: every change event carries what it
 * did (the creation, the merge patch, the committed section, the restored state). The log is read from
 * the store (Redis or memory; Redis reads the part it no longer holds from PostgreSQL); when the store
 * holds no first event, from PostgreSQL. A version whose making the log no longer holds (trimmed without
 * PostgreSQL, or skipped when a workflow was read back after Redis lost its data) cannot be rebuilt: 410.
 */
final class StateHistory {
  private static final int PAGE = 500;

  private final WorkflowStore store;
  private final WorkflowArchive archive;

  /** @param archive the durable record, or null without one */
  StateHistory(WorkflowStore store, WorkflowArchive archive) {
    this.store = store;
    this.archive = archive;
  }

  /** The state at {@code version} (for a rollback: 404 for a version that does not exist or is not kept). */
  Future<JsonObject> stateAt(WorkflowKey key, Workflow current, long version) {
    return at(key, current, Set.of(version)).map(all -> all.get(version).state())
        .recover(err -> Future.failedFuture(err instanceof ApiException api && api.status() == 410
            ? ApiException.notFound(api.getMessage()) : err));
  }

  /**
   * The workflow at each of {@code versions} (404 for a version it has not reached, 410 for one that cannot
   * be rebuilt), in one pass over the log. A past version expires with the workflow; its
   * {@code last_event_id} names the event that made it.
   */
  Future<Map<Long, Workflow>> at(WorkflowKey key, Workflow current, Set<Long> versions) {
    for (long version : versions) {
      if (version < 1 || version > current.version()) {
        return Future.failedFuture(ApiException.notFound("workflow '" + key.id() + "' has versions 1 to "
            + current.version() + ", not " + version));
      }
    }
    Replay replay = new Replay(current, versions);
    if (replay.done()) {
      return Future.succeededFuture(replay.found);
    }
    return store.events(key, null, PAGE).compose(first -> {
      if (!first.events().isEmpty() && first.events().get(0).getLong("seq") == 1) {
        return fold(key, replay, first);
      }
      if (archive == null) {
        return Future.failedFuture(gone(key, replay, "the history kept (events.retention_max) starts after it"));
      }
      return archive.eventsAfter(key, current.epoch(), 0, 1).compose(origin -> origin.isEmpty()
          ? Future.failedFuture(gone(key, replay, "neither Redis nor PostgreSQL holds the workflow's first event"))
          : fold(key, replay, new EventSlice(origin, true, true)));
    });
  }

  /** Applies a page, then reads the next one after it until every version is found or the log ends. */
  private Future<Map<Long, Workflow>> fold(WorkflowKey key, Replay replay, EventSlice slice) {
    List<JsonObject> events = slice.events();
    for (JsonObject event : events) {
      if (event.getLong("seq") != replay.seq + 1) {
        return Future.failedFuture(gone(key, replay, "the history has a gap at seq " + (replay.seq + 1)));
      }
      replay.apply(event);
      if (replay.done()) {
        return Future.succeededFuture(replay.found);
      }
    }
    if (!slice.hasMore() || events.isEmpty()) {
      return Future.failedFuture(gone(key, replay, "no event of the history made it (its versions were skipped "
          + "when the workflow was read back after Redis lost its data)"));
    }
    String last = events.get(events.size() - 1).getString("id");
    return store.events(key, last, PAGE).compose(next -> next.afterKnown() ? fold(key, replay, next)
        : Future.failedFuture(gone(key, replay, "the history changed while it was read")));
  }

  private static ApiException gone(WorkflowKey key, Replay replay, String why) {
    long missing = replay.wanted.stream().filter(v -> !replay.found.containsKey(v)).min(Long::compare).orElse(0L);
    return new ApiException(410, "version " + missing + " of workflow '" + key.id() + "' can no longer be "
        + "rebuilt: " + why);
  }

  /** The workflow as the events so far made it, and the wanted versions found on the way. */
  private static final class Replay {
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

    void apply(JsonObject event) {
      seq = event.getLong("seq");
      long made = event.getLong("version");
      JsonObject data = event.getValue("data") instanceof JsonObject o ? o : new JsonObject();
      switch (event.getString("type")) {
        case EventTypes.CREATED -> {
          status = data.getString("status");
          state = data.getJsonObject("state", new JsonObject());
          metadata = data.getJsonObject("metadata", new JsonObject());
        }
        case EventTypes.ROLLED_BACK -> state = data.getJsonObject("state", new JsonObject());
        case EventTypes.STATE_UPDATED, EventTypes.STATUS_CHANGED -> {
          if (data.getValue("status") instanceof String s) {
            status = s;
          }
          if (data.getValue("state") instanceof JsonObject patch) {
            state = MergePatch.apply(state, patch);
          }
          if (data.getValue("metadata") instanceof JsonObject patch) {
            metadata = MergePatch.apply(metadata, patch);
          }
        }
        case EventTypes.DRAFT_COMMITTED -> {
          JsonObject sections = state.getValue("sections") instanceof JsonObject o ? o.copy() : new JsonObject();
          state = state.copy().put("sections", sections.put(data.getString("section_id"), data.getString("raw_draft")));
        }
        default -> {
        }
      }
      if (made > version) {
        version = made;
        if (wanted.contains(made) && !found.containsKey(made)) {
          found.put(made, workflow(event));
        }
      }
    }

    /** The workflow as this event made it. */
    private Workflow workflow(JsonObject event) {
      Instant at = Instant.parse(event.getString("created_at"));
      return new Workflow(current.key(), status, state.copy(), metadata.copy(), version, current.createdAt(), at,
          current.expiresAt(), current.ttlSeconds(), current.epoch(), event.getString("id"), seq);
    }
  }
}
