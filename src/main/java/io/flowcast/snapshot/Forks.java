package io.flowcast.snapshot;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.Commands;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.NewWorkflow;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowRules;
import io.flowcast.workflow.WorkflowStatus;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/**
 * Fork (docs/API.md, "Fork"): a new workflow of the same tenant made from another's version N, as time
 * travel rebuilds it ({@link TimeTravel}), so a client can regenerate or edit from there without touching
 * the original. The parent is recorded twice: in the new workflow's {@code metadata.forked_from} (read with
 * the workflow, durable with it) and in its {@code workflow.created} event's {@code data.forked_from}.
 */
public final class Forks implements Feature {
  private static final Logger log = LoggerFactory.getLogger(Forks.class);
  private static final Set<String> FIELDS = Set.of("version", "id", "status");

  private final TimeTravel travel;
  private final WorkflowStore store;

  public Forks(TimeTravel travel, WorkflowStore store) {
    this.travel = travel;
    this.store = store;
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    Commands.serve(vertx, Addresses.WORKFLOW_FORK, log, b -> {
      WorkflowKey source = CommandFields.key(b);
      JsonObject body = b.getValue("body") instanceof JsonObject o ? o : null;
      if (body == null) {
        throw ApiException.badRequest("a JSON object {version, id, status?} is required");
      }
      WorkflowRules.onlyFields(body, FIELDS, "a fork");
      long version = version(body.getValue("version"));
      WorkflowKey target = new WorkflowKey(source.tenant(), CommandFields.id(body, "id", "id"));
      String status = status(body.getValue("status"));
      if (target.equals(source)) {
        throw ApiException.conflict("workflow '" + source.id() + "' exists: a fork needs a new id");
      }
      return travel.at(source, Set.of(version)).compose(found -> {
        Workflow at = found.get(version);
        JsonObject parent = new JsonObject().put("id", source.id()).put("version", version);
        NewWorkflow spec = new NewWorkflow(status != null ? status : at.status(), at.state().copy(),
            at.metadata().copy().put("forked_from", parent), at.ttlSeconds(), parent);
        return store.create(target, spec, CommandFields.actor(b));
      }).compose(m -> handoff.apply(target, m, b)).map(m -> m.workflow().toBusJson());
    });
  }

  private static long version(Object value) {
    // JSON integers arrive as Integer or Long; anything else (a fraction, a number beyond a long) is no version
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1) {
      throw ApiException.badRequest("version must be a version of the workflow: a positive integer");
    }
    return ((Number) value).longValue();
  }

  private static String status(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || !WorkflowStatus.valid(s)) {
      throw ApiException.badRequest("status must be " + WorkflowStatus.describe());
    }
    return s;
  }
}
