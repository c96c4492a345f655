package io.flowcast.review;

import java.time.Clock;
import io.flowcast.snapshot.Snapshots;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.NewWorkflow;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.UUID;

import static io.flowcast.testsupport.StoreFutures.assertFailsWith;
import static io.flowcast.testsupport.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Drafts, snapshots and rollback, the same on every backend: a backend's test only says how to make the
 * stores. Each test works in a random tenant of its own.
 */
public abstract class ReviewContract {
  protected static final int MAX_REVISIONS = 3;
  protected static final int MAX_SNAPSHOTS = 3;

  /** A fresh workflow store and the side data of that same store. */
  protected record Stores(WorkflowStore store, SideData sides) {
  }

  protected abstract Stores newStores();

  private WorkflowStore store;
  private Drafts drafts;
  private Snapshots snapshots;
  private WorkflowKey key;
  private final Actor alice = Actor.of("alice");
  private final Actor bob = Actor.of("bob");

  @BeforeEach
  void freshWorkflow() {
    Stores stores = newStores();
    store = stores.store();
    drafts = new Drafts(stores.sides(), MAX_REVISIONS, Clock.systemUTC());
    snapshots = new Snapshots(stores.sides(), store, null, MAX_SNAPSHOTS, Clock.systemUTC());
    key = new WorkflowKey("t-" + UUID.randomUUID().toString().substring(0, 8), "wf-1");
    JsonObject state = new JsonObject().put("sections", new JsonObject().put("intro", "v1 intro"));
    await(store.create(key, new NewWorkflow("running", state, new JsonObject(), 600), alice));
  }

  @Test
  void undoWalksBackThroughRevisionsAndStopsAtTheFirst() {
    for (int i = 1; i <= 3; i++) {
      await(drafts.put(key, "intro", "draft " + i, "change " + i, alice));
    }
    assertThat(await(drafts.get(key, "intro")).getString("raw_draft")).isEqualTo("draft 3");

    JsonObject back = await(drafts.undo(key, "intro", alice)).event().getJsonObject("data");
    assertThat(back.getString("raw_draft")).isEqualTo("draft 2");
    assertThat(back.getLong("revision")).isEqualTo(2);
    assertThat(back.getLong("undone_revision")).isEqualTo(3);
    assertThat(await(drafts.undo(key, "intro", alice)).event().getJsonObject("data").getString("raw_draft"))
        .isEqualTo("draft 1");
    assertFailsWith(409, drafts.undo(key, "intro", alice));
    JsonObject draft = await(drafts.get(key, "intro"));
    assertThat(draft.getString("raw_draft")).isEqualTo("draft 1");
    assertThat(draft.getString("diff_summary")).isEqualTo("change 1");
    assertThat(draft.getLong("base_version")).isEqualTo(1);
    assertThat(draft.getString("author")).isEqualTo("alice");
    assertThat(draft.getString("expires_at")).isNotNull();
  }

  @Test
  void revisionsBeyondTheLimitDropTheOldest() {
    for (int i = 1; i <= MAX_REVISIONS + 2; i++) {
      await(drafts.put(key, "intro", "draft " + i, "", alice));
    }
    for (int i = 1; i < MAX_REVISIONS; i++) {
      await(drafts.undo(key, "intro", alice));
    }
    assertThat(await(drafts.get(key, "intro")).getString("raw_draft")).isEqualTo("draft 3");
    assertFailsWith(409, drafts.undo(key, "intro", alice));
  }

  @Test
  void commitWritesTheSectionAsANewVersionAndDropsTheDraft() {
    await(drafts.put(key, "intro", "new intro", "rewrote it", bob));
    await(drafts.put(key, "body", "a body", "", bob));
    Mutation committed = await(drafts.commit(key, "intro", alice));

    assertThat(committed.workflow().version()).isEqualTo(2);
    assertThat(committed.event().getString("type")).isEqualTo(EventTypes.DRAFT_COMMITTED);
    assertThat(committed.event().getLong("version")).isEqualTo(2);
    assertThat(committed.event().getJsonObject("data").getString("raw_draft")).isEqualTo("new intro");
    assertThat(await(store.get(key)).state().getJsonObject("sections"))
        .isEqualTo(new JsonObject().put("intro", "new intro"));
    assertFailsWith(404, drafts.get(key, "intro"));
    assertThat(await(drafts.list(key)).stream().map(d -> ((JsonObject) d).getString("section_id")).toList())
        .containsExactly("body");
  }

  @Test
  void commitAfterTheSectionChangedSinceTheDraftStartedIsAConflict() {
    await(drafts.put(key, "intro", "alice's intro", "", alice));
    await(drafts.put(key, "outro", "alice's outro", "", alice));
    // bob changes the intro directly, after alice's drafts started at version 1
    await(store.patch(key, new JsonObject().put("state", new JsonObject().put("sections",
        new JsonObject().put("intro", "bob's intro"))), null, bob));

    assertFailsWith(409, drafts.commit(key, "intro", alice));
    assertThat(await(store.get(key)).state().getJsonObject("sections").getString("intro")).isEqualTo("bob's intro");
    assertThat(await(drafts.get(key, "intro")).getString("raw_draft")).isEqualTo("alice's intro");
    // the other section did not change: its draft commits
    assertThat(await(drafts.commit(key, "outro", alice)).workflow().version()).isEqualTo(3);
    // a change elsewhere in the state is no conflict either
    await(drafts.put(key, "outro", "later outro", "", alice));
    await(store.patch(key, new JsonObject().put("state", new JsonObject().put("step", 9)), null, bob));
    assertThat(await(drafts.commit(key, "outro", alice)).workflow().state().getJsonObject("sections")
        .getString("outro")).isEqualTo("later outro");
    // started again after the change, the intro commits
    await(drafts.discard(key, "intro", alice));
    await(drafts.put(key, "intro", "merged intro", "", alice));
    assertThat(await(drafts.commit(key, "intro", alice)).workflow().state().getJsonObject("sections")
        .getString("intro")).isEqualTo("merged intro");
  }

  @Test
  void aDraftStartedBeforeAnotherCommitOfItsSectionCannotOverwriteIt() {
    await(drafts.put(key, "intro", "first", "", alice));
    Mutation commit = await(drafts.commit(key, "intro", alice));
    assertThat(commit.workflow().version()).isEqualTo(2);
    // a draft whose base is version 1 (older than the commit at 2): recreate that situation by rolling
    // the section back, which also counts as a change of it
    await(drafts.put(key, "intro", "based on 2", "", bob));
    await(snapshots.rollback(key, null, 1L, null, alice));
    assertFailsWith(409, drafts.commit(key, "intro", bob));
    assertThat(await(store.get(key)).state().getJsonObject("sections").getString("intro")).isEqualTo("v1 intro");
    assertThat(await(drafts.get(key, "intro")).getString("raw_draft")).isEqualTo("based on 2");
  }

  @Test
  void discardRemovesTheDraftAndLeavesTheStateAsItWas() {
    await(drafts.put(key, "intro", "never mind", "", alice));
    Mutation discarded = await(drafts.discard(key, "intro", alice));
    assertThat(discarded.event().getString("type")).isEqualTo(EventTypes.DRAFT_DISCARDED);
    assertThat(discarded.event().getLong("version")).isEqualTo(1);
    assertFailsWith(404, drafts.get(key, "intro"));
    assertFailsWith(404, drafts.discard(key, "intro", alice));
    assertThat(await(store.get(key)).version()).isEqualTo(1);
    assertThat(await(drafts.list(key))).isEmpty();
  }

  @Test
  void everyDraftStepAppendsItsEventInOrder() {
    await(drafts.put(key, "intro", "a", "", alice));
    await(drafts.put(key, "intro", "b", "", alice));
    await(drafts.undo(key, "intro", alice));
    await(drafts.commit(key, "intro", alice));
    await(drafts.put(key, "outro", "c", "", alice));
    await(drafts.discard(key, "outro", alice));
    List<JsonObject> events = await(store.events(key, null, 100)).events();
    assertThat(events.stream().map(e -> e.getString("type")).toList()).containsExactly(EventTypes.CREATED,
        EventTypes.DRAFT_UPDATED, EventTypes.DRAFT_UPDATED, EventTypes.DRAFT_UPDATED, EventTypes.DRAFT_COMMITTED,
        EventTypes.DRAFT_UPDATED, EventTypes.DRAFT_DISCARDED);
    assertThat(events.stream().map(e -> e.getLong("seq")).toList()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
    assertThat(events.stream().map(e -> e.getLong("version")).toList()).containsExactly(1L, 1L, 1L, 1L, 2L, 2L, 2L);
  }

  @Test
  void draftsOfAnUnknownWorkflowAre404() {
    WorkflowKey unknown = new WorkflowKey(key.tenant(), "nope");
    assertFailsWith(404, drafts.put(unknown, "intro", "x", "", alice));
    assertFailsWith(404, drafts.list(unknown));
  }

  @Test
  void draftsGoWithTheWorkflow() {
    await(drafts.put(key, "intro", "x", "", alice));
    await(snapshots.create(key, "before", alice));
    await(store.delete(key, alice));
    await(store.create(key, new NewWorkflow("running", new JsonObject(), new JsonObject(), 600), alice));
    assertThat(await(drafts.list(key))).isEmpty();
    assertThat(await(snapshots.list(key))).isEmpty();
  }

  @Test
  void snapshotsAreBoundedAndTheOldestIsDropped() {
    for (int i = 1; i <= MAX_SNAPSHOTS + 1; i++) {
      await(store.patch(key, new JsonObject().put("state", new JsonObject().put("step", i)), null, alice));
      Mutation m = await(snapshots.create(key, "s" + i, alice));
      assertThat(m.event().getString("type")).isEqualTo(EventTypes.SNAPSHOT_CREATED);
      assertThat(m.event().getJsonObject("data").getLong("version")).isEqualTo(i + 1L);
    }
    JsonArray list = await(snapshots.list(key));
    assertThat(list.stream().map(s -> ((JsonObject) s).getString("label")).toList())
        .containsExactly("s4", "s3", "s2");
    assertThat(list.getJsonObject(0).getJsonObject("state").getInteger("step")).isEqualTo(4);
    assertFailsWith(409, snapshots.create(key, "s4", alice));
  }

  @Test
  void rollbackToALabelRestoresItsStateAsANewVersion() {
    await(store.patch(key, new JsonObject().put("state", new JsonObject().put("step", 1)), null, alice));
    await(snapshots.create(key, "good", alice));
    await(store.patch(key, new JsonObject().put("state", new JsonObject().put("step", 2).put("bad", true)), null,
        alice));
    Mutation back = await(snapshots.rollback(key, "good", null, null, alice));
    assertThat(back.workflow().version()).isEqualTo(4);
    assertThat(back.event().getString("type")).isEqualTo(EventTypes.ROLLED_BACK);
    JsonObject expected = new JsonObject().put("sections", new JsonObject().put("intro", "v1 intro")).put("step", 1);
    assertThat(back.event().getJsonObject("data").getJsonObject("state")).isEqualTo(expected);
    assertThat(await(store.get(key)).state()).isEqualTo(expected);
    assertFailsWith(404, snapshots.rollback(key, "missing", null, null, alice));
    assertFailsWith(412, snapshots.rollback(key, "good", null, 3L, alice));
  }

  @Test
  void rollbackToAVersionReplaysTheLogUpToIt() {
    await(store.patch(key, new JsonObject().put("state", new JsonObject().put("a", 1)), null, alice)); // v2
    await(drafts.put(key, "intro", "v3 intro", "", alice));
    await(drafts.commit(key, "intro", alice)); // v3
    await(store.patch(key, new JsonObject().put("state", new JsonObject().put("a", null).put("b", 2)), null,
        alice)); // v4
    await(store.appendEvent(key, new io.flowcast.workflow.CustomEvent("note", new JsonObject(), null,
        new JsonObject()), alice));
    await(snapshots.rollback(key, null, 2L, null, alice)); // v5 = v2

    JsonObject v2 = new JsonObject().put("sections", new JsonObject().put("intro", "v1 intro")).put("a", 1);
    JsonObject v3 = new JsonObject().put("sections", new JsonObject().put("intro", "v3 intro")).put("a", 1);
    assertThat(await(store.get(key)).state()).isEqualTo(v2);
    assertThat(await(snapshots.rollback(key, null, 3L, null, alice)).workflow().state()).isEqualTo(v3); // v6
    // the replay goes through an earlier rollback too
    assertThat(await(snapshots.rollback(key, null, 5L, null, alice)).workflow().state()).isEqualTo(v2); // v7
    assertThat(await(store.get(key)).version()).isEqualTo(7);
    assertFailsWith(404, snapshots.rollback(key, null, 99L, null, alice));
  }
}
