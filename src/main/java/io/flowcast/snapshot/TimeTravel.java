package io.flowcast.snapshot;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.Commands;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.MergePatch;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Time travel (docs/API.md): a workflow as it was at a version, and the JSON merge patch between two of its
 * versions, rebuilt from its event log as a rollback to a version is ({@link StateHistory}). Reads only.
 */
public final class TimeTravel implements Feature {
  private static final Logger log = LoggerFactory.getLogger(TimeTravel.class);

  private final SideData sides;
  private final StateHistory history;

  /** @param archive the durable record, or null without one */
  public TimeTravel(SideData sides, WorkflowStore store, WorkflowArchive archive) {
    this.sides = sides;
    this.history = new StateHistory(store, archive);
  }

  /** The workflow at each of {@code versions}, from its snapshots and its history. */
  Future<java.util.Map<Long, Workflow>> at(WorkflowKey key, Set<Long> versions) {
    return sides.read(key, SideData.Side.SNAPSHOTS).compose(read -> history.at(key, read.workflow(), versions,
        read.fields().entrySet().stream().filter(e -> !e.getKey().startsWith("#"))
            .map(e -> new JsonObject(e.getValue())).toList()));
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    Commands.serve(vertx, Addresses.WORKFLOW_AT, log, b -> {
      WorkflowKey key = CommandFields.key(b);
      long version = version(b, "version");
      return at(key, Set.of(version))
          .map(found -> found.get(version).toBusJson());
    });
    Commands.serve(vertx, Addresses.WORKFLOW_DIFF, log, b -> {
      WorkflowKey key = CommandFields.key(b);
      long from = version(b, "from");
      long to = version(b, "to");
      return at(key, Set.copyOf(java.util.List.of(from, to)))
          .map(found -> new JsonObject().put("from", from).put("to", to)
              .put("patch", MergePatch.diff(view(found.get(from)), view(found.get(to)))));
    });
  }

  /** What a version's diff compares: what a PATCH changes (so the patch applied with PATCH makes {@code to}). */
  private static JsonObject view(Workflow w) {
    return new JsonObject().put("status", w.status()).put("state", w.state()).put("metadata", w.metadata());
  }

  private static long version(JsonObject command, String field) {
    Object value = command.getValue(field);
    // JSON integers arrive as Integer or Long; anything else (a fraction, a number beyond a long) is no version
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1) {
      throw ApiException.badRequest(field + " must be a version: a positive integer");
    }
    return ((Number) value).longValue();
  }
}
