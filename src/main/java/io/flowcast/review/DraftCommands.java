package io.flowcast.review;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.Commands;
import io.flowcast.workflow.CommandFields;
import io.flowcast.workflow.Feature;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.MutationHandoff;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Set;

/** The draft commands of {@link Addresses}, served in the workflow verticle. */
public final class DraftCommands implements Feature {
  private static final Logger log = LoggerFactory.getLogger(DraftCommands.class);
  private static final Set<String> PUT_FIELDS = Set.of("raw_draft", "diff_summary");

  private final Drafts drafts;

  public DraftCommands(Drafts drafts) {
    this.drafts = drafts;
  }

  @Override
  public void register(Vertx vertx, MutationHandoff handoff) {
    Commands.serve(vertx, Addresses.DRAFT_LIST, log,
        b -> drafts.list(CommandFields.key(b)).map(list -> new JsonObject().put("drafts", list)));
    Commands.serve(vertx, Addresses.DRAFT_GET, log,
        b -> drafts.get(CommandFields.key(b), section(b)).map(d -> new JsonObject().put("draft", d)));
    Commands.serve(vertx, Addresses.DRAFT_PUT, log, b -> {
      JsonObject body = b.getJsonObject("body");
      if (body == null) {
        throw ApiException.badRequest("a JSON object {raw_draft, diff_summary} is required");
      }
      // no U+0000 (checked here with the rest): PostgreSQL's jsonb refuses it once the draft is committed
      WorkflowRules.onlyFields(body, PUT_FIELDS, "a draft");
      String raw = text(body, "raw_draft", true);
      String summary = text(body, "diff_summary", false);
      return changed(handoff, b, drafts.put(CommandFields.key(b), section(b), raw, summary, CommandFields.actor(b)))
          .map(m -> new JsonObject().put("draft", m.event().getJsonObject("data")));
    });
    Commands.serve(vertx, Addresses.DRAFT_UNDO, log, b -> changed(handoff, b,
        drafts.undo(CommandFields.key(b), section(b), CommandFields.actor(b)))
        .map(m -> new JsonObject().put("draft", m.event().getJsonObject("data"))));
    Commands.serve(vertx, Addresses.DRAFT_DISCARD, log, b -> changed(handoff, b,
        drafts.discard(CommandFields.key(b), section(b), CommandFields.actor(b))).map(m -> new JsonObject()));
    Commands.serve(vertx, Addresses.DRAFT_COMMIT, log, b -> changed(handoff, b,
        drafts.commit(CommandFields.key(b), section(b), CommandFields.actor(b))).map(m -> m.workflow().toBusJson()));
  }

  private static Future<Mutation> changed(MutationHandoff handoff, JsonObject command, Future<Mutation> change) {
    WorkflowKey key = CommandFields.key(command);
    return change.compose(m -> handoff.apply(key, m, command));
  }

  private static String section(JsonObject body) {
    return CommandFields.id(body, "section", "section id");
  }

  private static String text(JsonObject body, String field, boolean required) {
    Object value = body.getValue(field);
    if (value == null && !required) {
      return "";
    }
    if (!(value instanceof String s)) {
      throw ApiException.badRequest(field + " must be a string" + (required ? " and is required" : ""));
    }
    return s;
  }
}
