package io.flowcast.actions;

import io.flowcast.actions.ActionQueue.Claim;
import io.flowcast.actions.ActionQueue.NewAction;
import io.flowcast.actions.ActionQueue.Outcome;
import io.flowcast.actions.ActionQueue.Settlement;
import io.flowcast.bus.ApiException;
import io.flowcast.workflow.WorkflowRules;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.workflow.EventId;
import io.flowcast.workflow.Ids;
import io.vertx.core.json.JsonObject;

import java.util.Set;

/** Validates the bodies of action commands, whoever sends them, with details a client can act on. */
final class ActionRules {
  private static final Set<String> ENQUEUE_FIELDS = Set.of("type", "payload");
  private static final Set<String> CLAIM_FIELDS = Set.of("worker", "lease_seconds");
  private static final Set<String> COMPLETE_FIELDS = Set.of("result", "worker");
  private static final Set<String> FAIL_FIELDS = Set.of("error", "retry", "worker");

  private final int defaultLease;
  private final int maxLease;
  private final int defaultLimit;
  private final int maxLimit;

  ActionRules(FlowcastConfig config) {
    this.defaultLease = config.features().actionLeaseDefaultSeconds();
    this.maxLease = config.features().actionLeaseMaxSeconds();
    this.defaultLimit = config.listDefaultLimit();
    this.maxLimit = config.listMaxLimit();
  }

  NewAction newAction(JsonObject body) {
    checked(body, ENQUEUE_FIELDS, "an action {type, payload}");
    Object type = body.getValue("type");
    if (!(type instanceof String t) || !Ids.valid(t)) {
      throw ApiException.badRequest("type must be " + Ids.rule());
    }
    return new NewAction(t, body.getValue("payload"));
  }

  Claim claim(JsonObject body) {
    checked(body, CLAIM_FIELDS, "a claim {worker, lease_seconds?}");
    String worker = worker(body.getValue("worker"));
    if (worker == null) {
      throw ApiException.badRequest("worker is required: " + Ids.rule());
    }
    Object lease = body.getValue("lease_seconds");
    if (lease == null) {
      return new Claim(worker, defaultLease);
    }
    if (!(lease instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue()) || n.doubleValue() < 1
        || n.doubleValue() > maxLease) {
      throw ApiException.badRequest("lease_seconds must be an integer from 1 to " + maxLease);
    }
    return new Claim(worker, n.intValue());
  }

  Settlement complete(String actionId, JsonObject body) {
    checked(body, COMPLETE_FIELDS, "a completion {result, worker?}");
    return new Settlement(actionId, Outcome.COMPLETE, worker(body.getValue("worker")), body.getValue("result"));
  }

  Settlement fail(String actionId, JsonObject body) {
    checked(body, FAIL_FIELDS, "a failure {error, retry, worker?}");
    Object retry = body.getValue("retry");
    if (retry != null && !(retry instanceof Boolean)) {
      throw ApiException.badRequest("retry must be true (queue it again) or false (fail it for good)");
    }
    return new Settlement(actionId, Boolean.TRUE.equals(retry) ? Outcome.RETRY : Outcome.FAIL,
        worker(body.getValue("worker")), body.getValue("error"));
  }

  String status(String status) {
    if (status != null && !Action.validStatus(status)) {
      throw ApiException.badRequest("status must be queued, claimed, completed or failed");
    }
    return status;
  }

  String cursor(String cursor) {
    if (cursor != null && EventId.parse(cursor) == null) {
      throw ApiException.badRequest("cursor must be a next_cursor of an earlier page");
    }
    return cursor;
  }

  int limit(Integer limit) {
    if (limit == null) {
      return defaultLimit;
    }
    if (limit < 1 || limit > maxLimit) {
      throw ApiException.badRequest("limit must be from 1 to " + maxLimit);
    }
    return limit;
  }

  private static String worker(Object worker) {
    if (worker != null && (!(worker instanceof String w) || !Ids.valid(w))) {
      throw ApiException.badRequest("worker must be " + Ids.rule());
    }
    return (String) worker;
  }

  private static void checked(JsonObject body, Set<String> allowed, String what) {
    if (body == null) {
      throw ApiException.badRequest("a JSON object body is required: " + what);
    }
    WorkflowRules.onlyFields(body, allowed, what);
  }
}
