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

import java.util.List;

/**
 * The state a workflow had at a given version, replayed from its event log: every change event carries
 * what it did (the merge patch, the committed section, the restored state). The log is read from the
 * store (Redis or memory); when Redis no longer holds the first events, from PostgreSQL.
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

  Future<JsonObject> stateAt(WorkflowKey key, Workflow current, long version) {
    if (version < 1 || version > current.version()) {
      return Future.failedFuture(ApiException.notFound("workflow '" + key.id() + "' has versions 1 to "
          + current.version() + ", not " + version));
    }
    Replay replay = new Replay(version);
    return store.events(key, null, PAGE).compose(first -> {
      if (!first.events().isEmpty() && first.events().get(0).getLong("seq") == 1) {
        return fold(key, replay, first);
      }
      if (archive == null) {
        return Future.failedFuture(tooOld(version));
      }
      long generation = current.epoch();
      return archive.eventsAfter(key, generation, 0, 1).compose(origin -> origin.isEmpty()
          ? Future.failedFuture(tooOld(version))
          : fold(key, replay, new EventSlice(origin, true, true)));
    });
  }

  /** Applies a page, then reads the next one after it until the version is passed or the log ends. */
  private Future<JsonObject> fold(WorkflowKey key, Replay replay, EventSlice slice) {
    List<JsonObject> events = slice.events();
    for (JsonObject event : events) {
      if (event.getLong("seq") != replay.seq + 1) {
        return Future.failedFuture(ApiException.conflict("the history of workflow '" + key.id()
            + "' has a gap at seq " + (replay.seq + 1) + "; it cannot be replayed"));
      }
      if (event.getLong("version") > replay.target) {
        return Future.succeededFuture(replay.state);
      }
      replay.apply(event);
    }
    if (!slice.hasMore()) {
      return replay.version == replay.target ? Future.succeededFuture(replay.state)
          : Future.failedFuture(tooOld(replay.target));
    }
    if (events.isEmpty()) {
      return Future.failedFuture(tooOld(replay.target));
    }
    String last = events.get(events.size() - 1).getString("id");
    return store.events(key, last, PAGE).compose(next -> next.afterKnown() ? fold(key, replay, next)
        : Future.failedFuture(tooOld(replay.target)));
  }

  private static ApiException tooOld(long version) {
    return ApiException.notFound("version " + version + " is older than the history kept");
  }

  /** The state as the events so far made it. */
  private static final class Replay {
    final long target;
    JsonObject state = new JsonObject();
    long seq;
    long version;

    Replay(long target) {
      this.target = target;
    }

    void apply(JsonObject event) {
      seq = event.getLong("seq");
      version = event.getLong("version");
      JsonObject data = event.getValue("data") instanceof JsonObject o ? o : new JsonObject();
      switch (event.getString("type")) {
        case EventTypes.CREATED, EventTypes.ROLLED_BACK -> state = data.getJsonObject("state", new JsonObject());
        case EventTypes.STATE_UPDATED, EventTypes.STATUS_CHANGED -> {
          if (data.getValue("state") instanceof JsonObject patch) {
            state = MergePatch.apply(state, patch);
          }
        }
        case EventTypes.DRAFT_COMMITTED -> {
          JsonObject sections = state.getValue("sections") instanceof JsonObject o ? o.copy() : new JsonObject();
          state = state.copy().put("sections", sections.put(data.getString("section_id"), data.getString("raw_draft")));
        }
        default -> {
        }
      }
    }
  }
}
