package io.flowcast.review;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.SideData.Change;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.function.Function;

/**
 * Section review: per-section drafts of a workflow, with revisions for undo, committed into
 * {@code state.sections[section]} as a new version. Drafts live only beside the workflow (Redis or
 * memory); only a commit reaches the durable record. Written against {@link SideData}, so both backends
 * share these rules; every change is a compare-and-set, retried when someone else changed the draft first.
 */
public final class Drafts {
  private static final String DRAFT = "draft:";

  private final SideData sides;
  private final int maxRevisions;

  private final java.time.Clock clock;

  public Drafts(SideData sides, int maxRevisions, java.time.Clock clock) {
    this.clock = clock;
    this.sides = sides;
    this.maxRevisions = maxRevisions;
  }

  public Future<JsonArray> list(WorkflowKey key) {
    return sides.read(key, SideData.Side.DRAFTS).map(read -> {
      JsonArray drafts = new JsonArray();
      read.fields().entrySet().stream().filter(e -> e.getKey().startsWith(DRAFT))
          .map(e -> DraftRecord.parse(e.getKey().substring(DRAFT.length()), e.getValue()))
          .sorted(java.util.Comparator.comparing(DraftRecord::section))
          .forEach(d -> drafts.add(d.view(read.workflow().expiresAt())));
      return drafts;
    });
  }

  public Future<JsonObject> get(WorkflowKey key, String section) {
    return sides.read(key, SideData.Side.DRAFTS).map(read -> draft(read, section).view(read.workflow().expiresAt()));
  }

  /** A new revision of the section's draft (the first one starts the draft at the current version). */
  public Future<Mutation> put(WorkflowKey key, String section, String rawDraft, String diffSummary, Actor actor) {
    return attempt(key, read -> {
      String stored = read.fields().get(DRAFT + section);
      DraftRecord current = stored == null ? DraftRecord.start(section, read.workflow().version())
          : DraftRecord.parse(section, stored);
      DraftRecord next = current.revise(rawDraft, diffSummary, actor.subject(), Times.now(clock), maxRevisions);
      return Change.of(read.workflow(), EventTypes.DRAFT_UPDATED, next.view(read.workflow().expiresAt()))
          .op(SideData.Side.DRAFTS, DRAFT + section, stored, next.encode());
    }, actor);
  }

  /** Back to the previous revision; a draft with one revision has nothing to undo (discard it instead). */
  public Future<Mutation> undo(WorkflowKey key, String section, Actor actor) {
    return attempt(key, read -> {
      DraftRecord current = draft(read, section);
      if (!current.canUndo()) {
        throw ApiException.conflict("the draft of section '" + section + "' has no earlier revision to go back "
            + "to; discard it instead");
      }
      DraftRecord previous = current.undone();
      JsonObject view = previous.view(read.workflow().expiresAt())
          .put("undone_revision", current.latest().getLong("revision"));
      return Change.of(read.workflow(), EventTypes.DRAFT_UPDATED, view)
          .op(SideData.Side.DRAFTS, DRAFT + section, current.encode(), previous.encode());
    }, actor);
  }

  /** Drops the draft; nothing of it reaches the durable record but the event saying it was discarded. */
  public Future<Mutation> discard(WorkflowKey key, String section, Actor actor) {
    return attempt(key, read -> {
      DraftRecord current = draft(read, section);
      JsonObject data = new JsonObject().put("section_id", section).put("revision", current.latest().getLong("revision"));
      return Change.of(read.workflow(), EventTypes.DRAFT_DISCARDED, data)
          .op(SideData.Side.DRAFTS, DRAFT + section, current.encode(), null);
    }, actor);
  }

  /**
   * Writes the draft into {@code state.sections[section]} as a new version and drops it; a 409 when the
   * section was committed (or rolled back) after the version the draft started from.
   */
  public Future<Mutation> commit(WorkflowKey key, String section, Actor actor) {
    return attempt(key, read -> {
      DraftRecord current = draft(read, section);
      String committed = read.fields().get(Sections.changedField(section));
      if (committed != null && Long.parseLong(committed) > current.baseVersion()) {
        throw ApiException.conflict("section '" + section + "' was changed at version " + committed
            + ", after version " + current.baseVersion() + " this draft started from; discard the draft and "
            + "start again from the current text");
      }
      Workflow base = read.workflow();
      JsonObject state = base.state().copy();
      JsonObject sections = state.getValue("sections") instanceof JsonObject o ? o : new JsonObject();
      state.put("sections", sections.put(section, current.rawDraft()));
      JsonObject latest = current.latest();
      JsonObject data = new JsonObject().put("section_id", section).put("raw_draft", current.rawDraft())
          .put("diff_summary", latest.getString("diff_summary")).put("revision", latest.getLong("revision"))
          .put("base_version", current.baseVersion()).put("author", latest.getString("author"));
      return Change.of(base, EventTypes.DRAFT_COMMITTED, data).withState(state)
          .op(SideData.Side.DRAFTS, DRAFT + section, current.encode(), null)
          .op(SideData.Side.DRAFTS, Sections.changedField(section), committed, String.valueOf(base.version() + 1));
    }, actor);
  }

  /** A draft change computed from a fresh read, retried when someone else changed the draft first. */
  private Future<Mutation> attempt(WorkflowKey key, Function<SideData.Read, Change> compute, Actor actor) {
    return sides.update(key, SideData.Side.DRAFTS, read -> Future.succeededFuture(compute.apply(read)), actor);
  }

  private static DraftRecord draft(SideData.Read read, String section) {
    String stored = read.fields().get(DRAFT + section);
    if (stored == null) {
      throw ApiException.notFound("section '" + section + "' has no draft");
    }
    return DraftRecord.parse(section, stored);
  }
}
