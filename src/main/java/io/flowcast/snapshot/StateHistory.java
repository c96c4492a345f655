package io.flowcast.snapshot;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.EventSlice;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A workflow as it was at given versions, replayed from its event log: every change event carries what it
 * did (the creation, the merge patch, the committed section, the restored state). The log is read from
 * the store (Redis or memory; Redis reads the part it no longer holds from PostgreSQL); when the store
 * holds no first event, from PostgreSQL. Labelled snapshots kept beside the workflow hold the whole
 * workflow at their version: a version that has one is read from it, and when neither holds the first
 * event, the replay starts from the newest snapshot the retained log goes on from. A version whose
 * making nothing holds any more (trimmed without PostgreSQL, or skipped when a workflow was read back
 * after Redis lost its data) cannot be rebuilt: 410.
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

  /**
   * The state at {@code version}, for a rollback (404 for a version that does not exist or cannot be
   * rebuilt); {@code snapshots} as for {@link #at}.
   */
  Future<JsonObject> stateAt(WorkflowKey key, Workflow current, long version, List<JsonObject> snapshots) {
    return at(key, current, Set.of(version), snapshots).map(all -> all.get(version).state())
        .recover(err -> Future.failedFuture(err instanceof ApiException api && api.status() == 410
            ? ApiException.notFound(api.getMessage()) : err));
  }

  /**
   * The workflow at each of {@code versions} (404 for a version it has not reached, 410 for one that cannot
   * be rebuilt), in one pass over the log. A past version expires with the workflow; its
   * {@code last_event_id} names the event that made it (null when it was read from a snapshot).
   * {@code snapshots} are the labelled snapshots kept beside the workflow, as stored.
   */
  Future<Map<Long, Workflow>> at(WorkflowKey key, Workflow current, Set<Long> versions, List<JsonObject> snapshots) {
    for (long version : versions) {
      if (version < 1 || version > current.version()) {
        return Future.failedFuture(ApiException.notFound("workflow '" + key.id() + "' has versions 1 to "
            + current.version() + ", not " + version));
      }
    }
    List<JsonObject> whole = snapshots.stream().filter(StateHistory::whole).toList();
    Replay replay = new Replay(current, versions);
    for (JsonObject snapshot : whole) {
      long version = snapshot.getLong("version");
      if (versions.contains(version) && !replay.found.containsKey(version)) {
        replay.found.put(version, replay.fromSnapshot(snapshot));
      }
    }
    if (replay.done()) {
      return Future.succeededFuture(replay.found);
    }
    return store.events(key, null, PAGE).compose(first -> {
      if (!first.events().isEmpty() && first.events().get(0).getLong("seq") == 1) {
        return fold(key, replay, first);
      }
      if (archive == null) {
        return fromSnapshot(key, replay, first, whole, "the history kept (events.retention_max) starts after it");
      }
      return archive.eventsAfter(key, current.epoch(), 0, 1).compose(origin -> origin.isEmpty()
          ? fromSnapshot(key, replay, first, whole, "neither Redis nor PostgreSQL holds the workflow's first event")
          : fold(key, replay, new EventSlice(origin, true, true)));
    });
  }

  /**
   * Replays the retained log {@code first} from the newest snapshot it goes on from: one whose version is
   * at most the oldest version sought, and that no event missing from the log can have changed since (the
   * first retained event is of its version or older, or is the change that made the next one).
   */
  private Future<Map<Long, Workflow>> fromSnapshot(WorkflowKey key, Replay replay, EventSlice first,
      List<JsonObject> snapshots, String why) {
    if (first.events().isEmpty()) {
      return Future.failedFuture(gone(key, replay, why));
    }
    JsonObject oldest = first.events().get(0);
    long kept = oldest.getLong("version");
    long sought = replay.wanted.stream().filter(v -> !replay.found.containsKey(v)).min(Long::compare).orElseThrow();
    return snapshots.stream()
        .filter(s -> s.getLong("version") <= sought)
        .filter(s -> kept <= s.getLong("version") || (kept == s.getLong("version") + 1 && Replay.changes(oldest)))
        .max(java.util.Comparator.comparingLong(s -> s.getLong("version")))
        .map(base -> {
          replay.startFrom(base, oldest.getLong("seq") - 1);
          return fold(key, replay, first);
        })
        .orElseGet(() -> Future.failedFuture(gone(key, replay, why)));
  }

  /** A snapshot that holds the whole workflow (those taken before status and metadata were kept hold the state). */
  private static boolean whole(JsonObject snapshot) {
    return snapshot.getValue("status") instanceof String && snapshot.getValue("metadata") instanceof JsonObject
        && snapshot.getValue("updated_at") instanceof String && snapshot.getValue("version") instanceof Number;
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
}
