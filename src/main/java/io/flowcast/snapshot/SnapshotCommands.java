package io.flowcast.snapshot;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.Commands;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowRules;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/** The snapshot and rollback commands of {@link Addresses}, served in the workflow verticle. */
public final class SnapshotCommands implements Feature {
  private static final Logger log = LoggerFactory.getLogger(SnapshotCommands.class);

  private final Snapshots snapshots;

  public SnapshotCommands(Snapshots snapshots) {
    this.snapshots = snapshots;
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    Commands.serve(vertx, Addresses.SNAPSHOT_CREATE, log, b -> {
      WorkflowKey key = CommandFields.key(b);
      JsonObject body = body(b, "a JSON object {label}");
      WorkflowRules.onlyFields(body, Set.of("label"), "a snapshot");
      String label = CommandFields.id(body, "label", "label");
      return snapshots.create(key, label, CommandFields.actor(b)).compose(m -> handoff.apply(key, m, b))
          .map(m -> m.event().getJsonObject("data").copy().put("created_at", m.event().getString("created_at")));
    });
    Commands.serve(vertx, Addresses.SNAPSHOT_LIST, log,
        b -> snapshots.list(CommandFields.key(b)).map(list -> new JsonObject().put("snapshots", list)));
    Commands.serve(vertx, Addresses.ROLLBACK, log, b -> {
      WorkflowKey key = CommandFields.key(b);
      JsonObject body = body(b, "a JSON object {label} or {version}");
      WorkflowRules.onlyFields(body, Set.of("label", "version"), "a rollback");
      if (body.containsKey("label") == body.containsKey("version")) {
        throw ApiException.badRequest("name exactly one of label or version");
      }
      String label = body.containsKey("label") ? CommandFields.id(body, "label", "label") : null;
      Long version = label != null ? null : version(body.getValue("version"));
      return snapshots.rollback(key, label, version, b.getLong("if_match"), CommandFields.actor(b))
          .compose(m -> handoff.apply(key, m, b)).map(m -> m.workflow().toBusJson());
    });
  }

  private static JsonObject body(JsonObject command, String expected) {
    JsonObject body = command.getJsonObject("body");
    if (body == null) {
      throw ApiException.badRequest(expected + " is required");
    }
    return body;
  }

  private static long version(Object value) {
    // JSON integers arrive as Integer or Long; anything else (a fraction, a number beyond a long) is no version
    if (!(value instanceof Integer || value instanceof Long) || ((Number) value).longValue() < 1) {
      throw ApiException.badRequest("version must be a positive integer");
    }
    return ((Number) value).longValue();
  }
}
