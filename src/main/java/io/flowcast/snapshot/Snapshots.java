package io.flowcast.snapshot;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.SideData.Change;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Labelled snapshots of a workflow's state (at most a configured number, the oldest dropped) and rollback
 * to a label or a version, as a new version recorded by {@code state.rolled_back}. Snapshots are kept
 * beside the workflow and, through their event, in PostgreSQL; an older version is replayed from the log.
 */
public final class Snapshots {
  /** The newest ordinal: every create changes it, so two concurrent creates cannot both pass the limit. */
  private static final String ORDER = "#order";
  /** How many snapshots of a workflow PostgreSQL is searched through for a label. */
  private static final int ARCHIVED_LIMIT = 10_000;

  private final SideData sides;
  private final StateHistory history;
  private final WorkflowArchive archive;
  private final int max;

  /** @param archive the durable record, or null without one */
  private final java.time.Clock clock;

  /** @param archive the durable record, or null without one */
  public Snapshots(SideData sides, WorkflowStore store, WorkflowArchive archive, int max, java.time.Clock clock) {
    this.clock = clock;
    this.sides = sides;
    this.history = new StateHistory(store, archive);
    this.archive = archive;
    this.max = max;
  }

  public Future<Mutation> create(WorkflowKey key, String label, Actor actor) {
    return attempt(key, read -> {
      Map<String, String> fields = read.fields();
      if (fields.containsKey(label)) {
        throw ApiException.conflict("workflow '" + key.id() + "' already has a snapshot labelled '" + label + "'");
      }
      Workflow w = read.workflow();
      List<JsonObject> kept = sorted(fields);
      long ordinal = fields.containsKey(ORDER) ? Long.parseLong(fields.get(ORDER)) + 1 : 1;
      // the whole workflow at its version (status, metadata, updated_at too): time travel reads versions from it
      JsonObject snapshot = new JsonObject().put("label", label).put("version", w.version()).put("state", w.state())
          .put("status", w.status()).put("metadata", w.metadata()).put("updated_at", Times.format(w.updatedAt()))
          .put("ordinal", ordinal).put("author", actor.subject()).put("created_at", Times.format(Times.now(clock)));
      JsonObject data = new JsonObject().put("label", label).put("version", w.version());
      Change change = Change.of(w, EventTypes.SNAPSHOT_CREATED, data)
          .op(SideData.Side.SNAPSHOTS, label, null, snapshot.encode())
          .op(SideData.Side.SNAPSHOTS, ORDER, fields.get(ORDER), String.valueOf(ordinal));
      for (int i = max - 1; i < kept.size(); i++) {
        String dropped = kept.get(i).getString("label");
        change.op(SideData.Side.SNAPSHOTS, dropped, fields.get(dropped), null);
        data.put("dropped", dropped);
      }
      return Future.succeededFuture(change);
    }, actor);
  }

  /**
   * The snapshots, newest first. A workflow that left Redis and was read back from PostgreSQL lost its
   * snapshots there: they are then listed from PostgreSQL.
   */
  public Future<JsonArray> list(WorkflowKey key) {
    return sides.read(key, SideData.Side.SNAPSHOTS).compose(read -> kept(key, read))
        .map(snapshots -> new JsonArray(snapshots.stream().map(Snapshots::view).toList()));
  }

  /** The snapshots beside the workflow, or (when there are none) those in the durable record. */
  private Future<List<JsonObject>> kept(WorkflowKey key, SideData.Read read) {
    List<JsonObject> beside = sorted(read.fields());
    if (!beside.isEmpty() || archive == null) {
      return Future.succeededFuture(beside);
    }
    return archive.snapshots(key, read.workflow().epoch(), max);
  }

  /**
   * Restores the state of a snapshot ({@code label}) or of a version as a new version. {@code ifMatch},
   * when given, is the version the caller expects the workflow to be at.
   */
  public Future<Mutation> rollback(WorkflowKey key, String label, Long version, Long ifMatch, Actor actor) {
    return attempt(key, read -> {
      Workflow w = read.workflow();
      if (ifMatch != null && ifMatch != w.version()) {
        throw ApiException.preconditionFailed("workflow is at version " + w.version() + ", not " + ifMatch);
      }
      Future<JsonObject> target;
      if (label != null) {
        String stored = read.fields().get(label);
        Future<List<JsonObject>> candidates = stored != null ? Future.succeededFuture(List.of(new JsonObject(stored)))
            : archive == null ? Future.succeededFuture(List.of())
            // kept in Redis no more (dropped, or the workflow was read back from PostgreSQL)
            : archive.snapshots(key, w.epoch(), ARCHIVED_LIMIT);
        target = candidates.map(snapshots -> snapshots.stream()
            .filter(snapshot -> snapshot.getString("label").equals(label)).findFirst()
            .orElseThrow(() -> ApiException.notFound("workflow '" + key.id() + "' has no snapshot labelled '" + label
                + "'")).getJsonObject("state"));
      } else {
        target = sorted(read.fields()).stream().filter(s -> s.getLong("version") == version.longValue()).findFirst()
            .map(s -> Future.succeededFuture(s.getJsonObject("state")))
            .orElseGet(() -> history.stateAt(key, w, version, sorted(read.fields())));
      }
      return target.map(state -> {
        JsonObject data = new JsonObject().put("state", state).put("to_version", version).put("label", label);
        // what other features record with a state change (review: the sections it changed) the backend adds
        return Change.of(w, EventTypes.ROLLED_BACK, data).withState(state);
      });
    }, actor);
  }

  private Future<Mutation> attempt(WorkflowKey key, Function<SideData.Read, Future<Change>> compute, Actor actor) {
    return sides.update(key, SideData.Side.SNAPSHOTS, compute, actor);
  }

  private static List<JsonObject> sorted(Map<String, String> fields) {
    return fields.entrySet().stream().filter(e -> !e.getKey().equals(ORDER)).map(e -> new JsonObject(e.getValue()))
        .sorted(Comparator.comparingLong((JsonObject s) -> s.getLong("ordinal")).reversed()).toList();
  }

  private static JsonObject view(JsonObject stored) {
    return new JsonObject().put("label", stored.getString("label")).put("version", stored.getLong("version"))
        .put("state", stored.getJsonObject("state")).put("author", stored.getString("author"))
        .put("created_at", stored.getString("created_at"));
  }
}
