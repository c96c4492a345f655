package io.flowcast.workflow;

import io.flowcast.bus.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;

import static io.flowcast.testsupport.StoreFutures.assertFailsWith;
import static io.flowcast.testsupport.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The semantics every {@link WorkflowStore} backend must have, run once per backend: a backend's test
 * only says how to make a fresh store. Each test works in its own random tenant, so backends that share
 * one server (Redis) need no cleanup between tests.
 */
public abstract class WorkflowStoreContract {
  private static final int RETENTION = 1000;
  private static final int TTL = 600;
  private static final List<String> EVENT_FIELDS = List.of("id", "workflow_id", "seq", "type", "version", "data",
      "parent_id", "metadata", "actor", "created_at");

  /**
   * A new store, keeping at most {@code retentionMax} events per workflow (exactly: retention tests count).
   * Called before every test, and once more by tests that need a small retention.
   */
  protected abstract WorkflowStore newStore(int retentionMax);

  /**
   * True when {@link WorkflowStore#expire} finds and removes expired workflows and returns their
   * {@code workflow.expired} mutations; false for a backend whose keys expire by themselves and that
   * announces expiry through {@link WorkflowStore#expired} instead.
   */
  protected boolean sweepsExpiredWorkflows() {
    return true;
  }

  /** Now, on the clock the store reads (to the millisecond, as the store keeps times). */
  protected Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.MILLIS);
  }

  /**
   * Lets {@code duration} pass for the store: a backend on a clock the test moves moves it; one whose
   * server expires keys by its own clock (Redis) waits.
   */
  protected void pass(Duration duration) {
    try {
      Thread.sleep(Math.max(0, duration.toMillis()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  private WorkflowStore store;
  private String tenant;

  @BeforeEach
  void freshStoreAndTenant() {
    store = newStore(RETENTION);
    tenant = randomTenant();
  }

  // ---- create and get

  @Test
  void createStartsAtVersionOneWithAWorkflowCreatedEventAtSeqOne() {
    JsonObject state = new JsonObject().put("step", 1).put("plan", new JsonObject().put("a", true));
    JsonObject metadata = new JsonObject().put("owner", "team-x");
    Instant before = now();
    Mutation m = await(store.create(key("wf-1"), new NewWorkflow("running", state, metadata, TTL), Actor.of("alice")));
    Instant after = now();

    Workflow w = m.workflow();
    assertThat(w.key()).isEqualTo(key("wf-1"));
    assertThat(w.status()).isEqualTo("running");
    assertThat(w.state()).isEqualTo(state);
    assertThat(w.metadata()).isEqualTo(metadata);
    assertThat(w.version()).isEqualTo(1);
    assertThat(w.createdAt()).isBetween(before, after).isEqualTo(w.updatedAt());
    assertThat(w.ttlSeconds()).isEqualTo(TTL);

    assertEvent(m.event(), "wf-1", 1, EventTypes.CREATED, 1, "alice");
    assertThat(m.event().getValue("data")).isEqualTo(new JsonObject()
        .put("status", "running").put("state", state).put("metadata", metadata));
    assertThat(m.event().getValue("parent_id")).isNull();
    assertNamesNewestEvent(w, m.event());
  }

  @Test
  void getReturnsTheCreatedWorkflow() {
    Mutation created = create("wf-1", new JsonObject().put("x", 1));

    Workflow w = await(store.get(key("wf-1")));

    assertThat(w.key()).isEqualTo(key("wf-1"));
    assertThat(w.status()).isEqualTo("pending");
    assertThat(w.state()).isEqualTo(new JsonObject().put("x", 1));
    assertThat(w.metadata()).isEqualTo(new JsonObject());
    assertThat(w.version()).isEqualTo(1);
    assertThat(w.createdAt()).isEqualTo(created.workflow().createdAt());
    assertNamesNewestEvent(w, created.event());
  }

  @Test
  void createOfAnExistingIdFailsWith409AndKeepsTheOriginal() {
    create("wf-1", new JsonObject().put("original", true));

    assertFailsWith(409, store.create(key("wf-1"), spec("running", new JsonObject().put("x", 1)), Actor.of("bob")));

    Workflow w = await(store.get(key("wf-1")));
    assertThat(w.state()).isEqualTo(new JsonObject().put("original", true));
    assertThat(w.status()).isEqualTo("pending");
    assertThat(allEvents(key("wf-1"))).hasSize(1);
  }

  @Test
  void theSameIdInTwoTenantsIsTwoIndependentWorkflows() {
    WorkflowKey mine = key("wf-1");
    WorkflowKey theirs = new WorkflowKey(randomTenant(), "wf-1");
    await(store.create(mine, spec("pending", new JsonObject().put("who", "me")), Actor.of("alice")));
    Mutation other = await(store.create(theirs, spec("running", new JsonObject().put("who", "them")), Actor.of("bob")));
    assertThat(other.workflow().version()).isEqualTo(1);
    assertThat(other.event().getLong("seq")).isEqualTo(1);

    await(store.patch(mine, new JsonObject().put("state", new JsonObject().put("who", "me too")), null, Actor.of("alice")));
    await(store.delete(mine, Actor.of("alice")));

    Workflow theirsNow = await(store.get(theirs));
    assertThat(theirsNow.state()).isEqualTo(new JsonObject().put("who", "them"));
    assertThat(theirsNow.status()).isEqualTo("running");
    assertThat(theirsNow.version()).isEqualTo(1);
    assertThat(allEvents(theirs)).extracting(e -> e.getString("type")).containsExactly(EventTypes.CREATED);
  }

  @Test
  void getOfAnUnknownWorkflowFailsWith404() {
    create("wf-1");
    assertFailsWith(404, store.get(key("wf-2")));
    assertFailsWith(404, store.get(new WorkflowKey(randomTenant(), "wf-1")));
  }

  // ---- patch

  @Test
  void patchMergesNestedObjectsDeletesNullKeysAndReplacesArrays() {
    create("wf-1", new JsonObject()
        .put("plan", new JsonObject().put("a", 1).put("b", 2).put("deep", new JsonObject().put("k", "v")))
        .put("list", new JsonArray().add(1).add(2).add(3))
        .put("keep", "k")
        .put("gone", "g"));
    JsonObject patch = new JsonObject()
        .put("state", new JsonObject()
            .put("plan", new JsonObject().put("b", 3).put("c", 4).put("deep", new JsonObject().put("k2", "v2")))
            .put("list", new JsonArray().add(9))
            .putNull("gone"))
        .put("metadata", new JsonObject().put("label", "x"));

    Mutation m = await(store.patch(key("wf-1"), patch, null, Actor.of("bob")));

    JsonObject expected = new JsonObject()
        .put("plan", new JsonObject().put("a", 1).put("b", 3).put("c", 4)
            .put("deep", new JsonObject().put("k", "v").put("k2", "v2")))
        .put("list", new JsonArray().add(9))
        .put("keep", "k");
    assertThat(m.workflow().state()).isEqualTo(expected);
    assertThat(m.workflow().metadata()).isEqualTo(new JsonObject().put("label", "x"));
    assertThat(await(store.get(key("wf-1"))).state()).isEqualTo(expected);
  }

  @Test
  void everyChangingPatchAddsOneVersionAndOneStateUpdatedEventCarryingThePatch() {
    create("wf-1");
    for (int i = 1; i <= 3; i++) {
      JsonObject patch = new JsonObject().put("state", new JsonObject().put("step", i).putNull("absent"));
      Mutation m = await(store.patch(key("wf-1"), patch, null, Actor.of("bob")));

      assertThat(m.workflow().version()).isEqualTo(1 + i);
      assertEvent(m.event(), "wf-1", 1 + i, EventTypes.STATE_UPDATED, 1 + i, "bob");
      assertThat(m.event().getValue("data")).isEqualTo(patch);
      assertNamesNewestEvent(m.workflow(), m.event());
    }
    assertThat(allEvents(key("wf-1"))).extracting(e -> e.getString("type"))
        .containsExactly(EventTypes.CREATED, EventTypes.STATE_UPDATED, EventTypes.STATE_UPDATED,
            EventTypes.STATE_UPDATED);
    assertThat(await(store.get(key("wf-1"))).version()).isEqualTo(4);
  }

  @Test
  void metadataOnlyPatchIsAStateUpdate() {
    create("wf-1");
    JsonObject patch = new JsonObject().put("metadata", new JsonObject().put("owner", "x"));

    Mutation m = await(store.patch(key("wf-1"), patch, null, Actor.of("bob")));

    assertThat(m.event().getString("type")).isEqualTo(EventTypes.STATE_UPDATED);
    assertThat(m.event().getValue("data")).isEqualTo(patch);
    assertThat(m.workflow().version()).isEqualTo(2);
  }

  @Test
  void statusOnlyChangeAppendsStatusChanged() {
    create("wf-1");
    JsonObject patch = new JsonObject().put("status", "running");

    Mutation m = await(store.patch(key("wf-1"), patch, null, Actor.of("bob")));

    assertThat(m.workflow().status()).isEqualTo("running");
    assertThat(m.workflow().version()).isEqualTo(2);
    assertEvent(m.event(), "wf-1", 2, EventTypes.STATUS_CHANGED, 2, "bob");
    assertThat(m.event().getValue("data")).isEqualTo(patch.copy().put("from", "pending").put("to", "running"));
  }

  @Test
  void changeOfStatusAndStateTogetherIsOneStateUpdate() {
    create("wf-1");
    JsonObject patch = new JsonObject().put("status", "completed").put("state", new JsonObject().put("done", true));

    Mutation m = await(store.patch(key("wf-1"), patch, null, Actor.of("bob")));

    assertThat(m.workflow().version()).isEqualTo(2);
    assertEvent(m.event(), "wf-1", 2, EventTypes.STATE_UPDATED, 2, "bob");
    assertThat(m.event().getValue("data")).isEqualTo(patch.copy().put("from", "pending").put("to", "completed"));
    assertThat(allEvents(key("wf-1"))).hasSize(2);
  }

  @Test
  void patchThatChangesNothingKeepsTheVersionAndAppendsNoEvent() {
    Mutation created = create("wf-1", new JsonObject().put("a", 1).put("nested", new JsonObject().put("b", 2)));
    List<JsonObject> noOps = List.of(
        new JsonObject(),
        new JsonObject().put("status", "pending"),
        new JsonObject().put("state", new JsonObject().put("a", 1).put("nested", new JsonObject().put("b", 2))),
        new JsonObject().put("state", new JsonObject().putNull("never-there")),
        new JsonObject().put("metadata", new JsonObject()));

    for (JsonObject patch : noOps) {
      Mutation m = await(store.patch(key("wf-1"), patch, 1L, Actor.of("bob")));
      assertThat(m.event()).as("event of no-op patch %s", patch).isNull();
      assertThat(m.workflow().version()).isEqualTo(1);
      assertNamesNewestEvent(m.workflow(), created.event());
    }
    assertThat(allEvents(key("wf-1"))).hasSize(1);
    assertThat(await(store.get(key("wf-1"))).version()).isEqualTo(1);
  }

  @Test
  void patchWithTheExpectedVersionApplies() {
    create("wf-1");
    await(store.patch(key("wf-1"), statePatch("step", 1), 1L, Actor.of("bob")));

    Mutation m = await(store.patch(key("wf-1"), statePatch("step", 2), 2L, Actor.of("bob")));

    assertThat(m.workflow().version()).isEqualTo(3);
    assertThat(m.workflow().state()).isEqualTo(new JsonObject().put("step", 2));
  }

  @Test
  void patchWithAStaleExpectedVersionFailsWith412AndChangesNothing() {
    create("wf-1");
    await(store.patch(key("wf-1"), statePatch("step", 1), null, Actor.of("bob")));
    Workflow before = await(store.get(key("wf-1")));

    assertFailsWith(412, store.patch(key("wf-1"), statePatch("step", 99), 1L, Actor.of("carol")));
    assertFailsWith(412, store.patch(key("wf-1"), new JsonObject().put("status", "failed"), 3L, Actor.of("carol")));

    Workflow after = await(store.get(key("wf-1")));
    assertThat(after.version()).isEqualTo(2);
    assertThat(after.state()).isEqualTo(new JsonObject().put("step", 1));
    assertThat(after.status()).isEqualTo("pending");
    assertThat(after.lastEventId()).isEqualTo(before.lastEventId());
    assertThat(allEvents(key("wf-1"))).hasSize(2);
  }

  @Test
  void patchOfAnUnknownWorkflowFailsWith404() {
    assertFailsWith(404, store.patch(key("wf-1"), statePatch("a", 1), null, Actor.of("bob")));
    assertFailsWith(404, store.patch(key("wf-1"), statePatch("a", 1), 1L, Actor.of("bob")));
  }

  @Test
  void patchMovesUpdatedAtAndNeverCreatedAt() {
    Mutation created = create("wf-1");
    pass(Duration.ofMillis(5));

    Mutation m = await(store.patch(key("wf-1"), statePatch("a", 1), null, Actor.of("bob")));

    assertThat(m.workflow().createdAt()).isEqualTo(created.workflow().createdAt());
    assertThat(m.workflow().updatedAt()).isAfter(created.workflow().updatedAt());
  }

  // ---- delete

  @Test
  void deleteAppendsWorkflowDeletedThenTheWorkflowAndItsEventsAre404() {
    create("wf-1");
    await(store.patch(key("wf-1"), statePatch("a", 1), null, Actor.of("bob")));

    Mutation m = await(store.delete(key("wf-1"), Actor.of("carol")));

    assertEvent(m.event(), "wf-1", 3, EventTypes.DELETED, 2, "carol");
    assertThat(m.workflow().key()).isEqualTo(key("wf-1"));
    assertFailsWith(404, store.get(key("wf-1")));
    assertFailsWith(404, store.events(key("wf-1"), null, 10));
    assertFailsWith(404, store.patch(key("wf-1"), statePatch("a", 2), null, Actor.of("bob")));
    assertFailsWith(404, store.appendEvent(key("wf-1"), custom("note", new JsonObject()), Actor.of("bob")));
    assertFailsWith(404, store.delete(key("wf-1"), Actor.of("bob")));
    assertThat(listAll(null, 100)).isEmpty();
  }

  @Test
  void aDeletedIdMayBeCreatedAgainFromVersionOne() {
    create("wf-1");
    await(store.patch(key("wf-1"), statePatch("a", 1), null, Actor.of("bob")));
    await(store.delete(key("wf-1"), Actor.of("bob")));

    Mutation again = await(store.create(key("wf-1"), spec("running", new JsonObject()), Actor.of("bob")));

    assertThat(again.workflow().version()).isEqualTo(1);
    assertThat(again.workflow().state()).isEqualTo(new JsonObject());
    assertEvent(again.event(), "wf-1", 1, EventTypes.CREATED, 1, "bob");
  }

  @Test
  void aNewLifeOfAnIdStartsANewEpochAndNeverReusesAnEventId() {
    Set<String> oldIds = new HashSet<>();
    long previousEpoch = 0;
    for (int life = 0; life < 20; life++) {
      Mutation created = await(store.create(key("wf-1"), spec("running", new JsonObject()), Actor.of("bob")));
      Mutation event = await(store.appendEvent(key("wf-1"), new CustomEvent("tick", new JsonObject(), null, null),
          Actor.of("bob")));
      long epoch = created.workflow().epoch();
      assertThat(epoch).as("each life's epoch is greater than the last").isGreaterThan(previousEpoch);
      previousEpoch = epoch;
      assertThat(created.epoch()).isEqualTo(epoch);
      assertThat(created.event().getString("id")).isEqualTo(epoch + "-1");
      assertThat(event.event().getString("id")).isEqualTo(epoch + "-2");
      if (life > 0) {
        EventSlice resumed = await(store.events(key("wf-1"), oldIds.iterator().next(), 10));
        assertThat(resumed.afterKnown()).as("an id of an earlier life is unknown to this one").isFalse();
      }
      assertThat(oldIds.add(created.event().getString("id"))).as("ids of every life differ").isTrue();
      assertThat(oldIds.add(event.event().getString("id"))).isTrue();
      // deleted and created again at once: within the same millisecond, yet a new epoch
      await(store.delete(key("wf-1"), Actor.of("bob")));
    }
  }

  // ---- custom events

  @Test
  void appendEventKeepsTheVersionAndCarriesTypeDataParentMetadataAndActor() {
    Mutation created = create("wf-1");
    String parent = created.event().getString("id");
    JsonObject data = new JsonObject().put("text", "thinking").put("tokens", new JsonArray().add(1).add(2));
    JsonObject metadata = new JsonObject().put("model", "m-1");

    Mutation m = await(store.appendEvent(key("wf-1"), new CustomEvent("agent.thought", data, parent, metadata),
        Actor.of("agent-7")));

    assertEvent(m.event(), "wf-1", 2, "agent.thought", 1, "agent-7");
    assertThat(m.event().getValue("data")).isEqualTo(data);
    assertThat(m.event().getString("parent_id")).isEqualTo(parent);
    assertThat(m.event().getJsonObject("metadata")).isEqualTo(metadata);
    if (m.workflow() != null) {
      assertThat(m.workflow().version()).isEqualTo(1);
      assertNamesNewestEvent(m.workflow(), m.event());
    }

    Workflow w = await(store.get(key("wf-1")));
    assertThat(w.version()).isEqualTo(1);
    assertThat(w.state()).isEqualTo(created.workflow().state());
    assertNamesNewestEvent(w, m.event());
    assertThat(allEvents(key("wf-1"))).last().isEqualTo(m.event());
  }

  @Test
  void appendEventToAnUnknownWorkflowFailsWith404() {
    assertFailsWith(404, store.appendEvent(key("wf-1"), custom("note", new JsonObject()), Actor.of("bob")));
  }

  // ---- event log

  @Test
  void eventIdsStrictlyIncreaseAndSeqCountsFromOneWithoutGaps() {
    create("wf-1");
    for (int i = 0; i < 30; i++) {
      if (i % 3 == 0) {
        await(store.patch(key("wf-1"), statePatch("i", i), null, Actor.of("bob")));
      } else {
        await(store.appendEvent(key("wf-1"), custom("tick", new JsonObject().put("i", i)), Actor.of("bob")));
      }
    }

    List<JsonObject> events = allEvents(key("wf-1"));

    assertThat(events).hasSize(31);
    EventId previous = null;
    for (int i = 0; i < events.size(); i++) {
      JsonObject event = events.get(i);
      assertThat(event.getLong("seq")).isEqualTo(i + 1);
      EventId id = EventId.parse(event.getString("id"));
      assertThat(id).as("event id %s", event.getString("id")).isNotNull();
      if (previous != null) {
        assertThat(id).isGreaterThan(previous);
      }
      previous = id;
    }
    assertThat(events).last().extracting(e -> e.getLong("version")).isEqualTo(11L);
  }

  @Test
  void eventsFromNullStartAtTheBeginningAndAfterAnIdAreExclusive() {
    create("wf-1");
    for (int i = 0; i < 4; i++) {
      await(store.appendEvent(key("wf-1"), custom("tick", new JsonObject().put("i", i)), Actor.of("bob")));
    }

    EventSlice all = await(store.events(key("wf-1"), null, 100));
    assertThat(seqs(all.events())).containsExactly(1L, 2L, 3L, 4L, 5L);
    assertThat(all.afterKnown()).isTrue();
    assertThat(all.hasMore()).isFalse();

    EventSlice afterSecond = await(store.events(key("wf-1"), all.events().get(1).getString("id"), 100));
    assertThat(afterSecond.events()).containsExactlyElementsOf(all.events().subList(2, 5));
    assertThat(afterSecond.afterKnown()).isTrue();

    EventSlice afterLast = await(store.events(key("wf-1"), all.events().get(4).getString("id"), 100));
    assertThat(afterLast.events()).isEmpty();
    assertThat(afterLast.afterKnown()).isTrue();
    assertThat(afterLast.hasMore()).isFalse();
  }

  @Test
  void pagingWithLimitAndHasMoreWalksEveryEventExactlyOnce() {
    create("wf-1");
    for (int i = 0; i < 19; i++) {
      await(store.appendEvent(key("wf-1"), custom("tick", new JsonObject().put("i", i)), Actor.of("bob")));
    }

    assertThat(pageSizes(5)).containsExactly(5, 5, 5, 5);
    assertThat(pageSizes(7)).containsExactly(7, 7, 6);
    assertThat(pageSizes(20)).containsExactly(20);
    assertThat(pageSizes(100)).containsExactly(20);
  }

  /** Pages through wf-1's 20 events; checks hasMore is true on every page but the last and nothing repeats. */
  private List<Integer> pageSizes(int limit) {
    List<Integer> sizes = new ArrayList<>();
    List<Long> seen = new ArrayList<>();
    String after = null;
    while (true) {
      EventSlice slice = await(store.events(key("wf-1"), after, limit));
      sizes.add(slice.events().size());
      seen.addAll(seqs(slice.events()));
      assertThat(sizes).as("pages of %d", limit).hasSizeLessThanOrEqualTo(20);
      if (!slice.hasMore()) {
        break;
      }
      assertThat(slice.events()).hasSize(limit);
      after = slice.events().get(slice.events().size() - 1).getString("id");
    }
    assertThat(seen).as("seqs paged by %d", limit).containsExactlyElementsOf(range(1, 20));
    return sizes;
  }

  @Test
  void afterKnownIsTrueForARetainedIdAndFalseForOneNeverIssued() {
    create("wf-1");
    for (int i = 0; i < 3; i++) {
      await(store.appendEvent(key("wf-1"), custom("tick", new JsonObject()), Actor.of("bob")));
    }
    List<JsonObject> events = allEvents(key("wf-1"));
    EventId first = EventId.parse(events.get(0).getString("id"));
    EventId last = EventId.parse(events.get(3).getString("id"));

    for (JsonObject event : events) {
      assertThat(await(store.events(key("wf-1"), event.getString("id"), 10)).afterKnown()).isTrue();
    }
    for (EventId never : List.of(new EventId(0, 1), new EventId(first.millis() - 1, 0),
        new EventId(last.millis(), last.n() + 1000), new EventId(last.millis() + 60_000, 0))) {
      assertThat(await(store.events(key("wf-1"), never.toString(), 10)).afterKnown())
          .as("after %s", never).isFalse();
    }
  }

  /**
   * Retention may be approximate (Redis trims whole stream nodes, {@code MAXLEN ~}): at least the newest
   * {@code retentionMax} events are kept, as one unbroken run, and far older ones are dropped.
   */
  @Test
  void afterKnownIsFalseForAnIdTrimmedByRetention() {
    store = newStore(5);
    List<String> ids = new ArrayList<>();
    ids.add(create("wf-1").event().getString("id"));
    for (int i = 0; i < 249; i++) {
      ids.add(await(store.appendEvent(key("wf-1"), custom("tick", new JsonObject().put("i", i)), Actor.of("bob")))
          .event().getString("id"));
    }
    Workflow w = await(store.get(key("wf-1")));
    assertThat(w.lastSeq()).isEqualTo(250);
    assertThat(w.lastEventId()).isEqualTo(ids.get(249));

    List<Long> retained = seqs(await(store.events(key("wf-1"), null, 1000)).events());
    assertThat(retained).hasSizeGreaterThanOrEqualTo(5).hasSizeLessThan(250)
        .containsExactlyElementsOf(range(251 - retained.size(), 250));

    assertThat(await(store.events(key("wf-1"), ids.get(0), 100)).afterKnown()).as("after trimmed seq 1").isFalse();
    int oldest = (int) (long) retained.get(0);
    if (oldest > 2) {
      assertThat(await(store.events(key("wf-1"), ids.get(oldest - 2), 100)).afterKnown())
          .as("after the newest trimmed event, seq %d", oldest - 1).isFalse();
    }
    EventSlice fromOldest = await(store.events(key("wf-1"), ids.get(oldest - 1), 1000));
    assertThat(fromOldest.afterKnown()).isTrue();
    assertThat(seqs(fromOldest.events())).containsExactlyElementsOf(range(oldest + 1, 250));
    for (int seq = 246; seq <= 250; seq++) {
      assertThat(await(store.events(key("wf-1"), ids.get(seq - 1), 100)).afterKnown()).as("after seq %d", seq)
          .isTrue();
    }
  }

  // ---- list

  @Test
  void listReturnsTheTenantsWorkflowsNewestFirst() {
    for (String id : List.of("wf-a", "wf-b", "wf-c")) {
      create(id);
      pass(Duration.ofMillis(3));
    }
    await(store.patch(key("wf-a"), statePatch("touched", true), null, Actor.of("bob")));

    List<Workflow> items = listAll(null, 100);

    assertThat(items).extracting(w -> w.key().id()).containsExactly("wf-c", "wf-b", "wf-a");
    assertThat(items.get(2).version()).isEqualTo(2);
    assertThat(items.get(2).state()).isEqualTo(new JsonObject().put("touched", true));
  }

  @Test
  void listFiltersByStatus() {
    create("wf-1");
    await(store.create(key("wf-2"), spec("running", new JsonObject()), Actor.of("bob")));
    create("wf-3");
    await(store.patch(key("wf-3"), new JsonObject().put("status", "running"), null, Actor.of("bob")));
    await(store.create(key("wf-4"), spec("failed", new JsonObject()), Actor.of("bob")));

    assertThat(listAll("running", 100)).extracting(w -> w.key().id()).containsExactlyInAnyOrder("wf-2", "wf-3");
    assertThat(listAll("pending", 100)).extracting(w -> w.key().id()).containsExactly("wf-1");
    assertThat(listAll("completed", 100)).isEmpty();
    assertThat(listAll(null, 100)).hasSize(4);
  }

  @Test
  void cursorPagingCoversEveryWorkflowExactlyOnce() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 25; i++) {
      String id = "wf-" + i;
      await(store.create(key(id), spec(i % 3 == 0 ? "running" : "pending", new JsonObject()), Actor.of("bob")));
      ids.add(id);
    }

    List<Integer> sizes = new ArrayList<>();
    List<Workflow> paged = new ArrayList<>();
    String cursor = null;
    do {
      WorkflowPage page = await(store.list(tenant, null, 7, cursor));
      sizes.add(page.items().size());
      paged.addAll(page.items());
      cursor = page.nextCursor();
      assertThat(sizes).hasSizeLessThanOrEqualTo(4);
    } while (cursor != null);

    assertThat(sizes).containsExactly(7, 7, 7, 4);
    assertThat(paged).extracting(w -> w.key().id()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrderElementsOf(ids);
    assertNewestFirst(paged);
    assertThat(paged).extracting(w -> w.key().id())
        .containsExactlyElementsOf(listAll(null, 100).stream().map(w -> w.key().id()).toList());
    assertThat(listAll("running", 4)).extracting(w -> w.key().id()).doesNotHaveDuplicates()
        .containsExactlyInAnyOrder("wf-0", "wf-3", "wf-6", "wf-9", "wf-12", "wf-15", "wf-18", "wf-21", "wf-24");
  }

  @Test
  void aFullLastPageHasNoNextCursor() {
    for (int i = 0; i < 4; i++) {
      create("wf-" + i);
    }
    WorkflowPage first = await(store.list(tenant, null, 2, null));
    assertThat(first.nextCursor()).isNotNull();
    WorkflowPage second = await(store.list(tenant, null, 2, first.nextCursor()));
    assertThat(second.items()).hasSize(2);
    assertThat(second.nextCursor()).isNull();
    assertThat(await(store.list(tenant, null, 4, null)).nextCursor()).isNull();
  }

  @Test
  void listShowsOnlyTheTenantsOwnWorkflows() {
    create("wf-1");
    String other = randomTenant();
    await(store.create(new WorkflowKey(other, "wf-2"), spec("pending", new JsonObject()), Actor.of("bob")));

    assertThat(listAll(null, 100)).extracting(w -> w.key()).containsExactly(key("wf-1"));
    assertThat(await(store.list(other, null, 100, null)).items()).extracting(w -> w.key())
        .containsExactly(new WorkflowKey(other, "wf-2"));
    WorkflowPage empty = await(store.list(randomTenant(), null, 100, null));
    assertThat(empty.items()).isEmpty();
    assertThat(empty.nextCursor()).isNull();
  }

  @Test
  void aCursorThisStoreNeverIssuedFailsWith400() {
    create("wf-1");
    assertFailsWith(400, store.list(tenant, null, 10, "!!not-a-cursor!!"));
    assertFailsWith(400, store.list(tenant, null, 10, "%%%"));
  }

  // ---- TTL

  @Test
  void expiresAtIsNowPlusTheTtl() {
    Instant before = now();
    Mutation m = await(store.create(key("wf-1"), new NewWorkflow("pending", new JsonObject(), new JsonObject(), 2),
        Actor.of("bob")));
    Instant after = now();

    assertThat(m.workflow().expiresAt()).isBetween(before.plusSeconds(2), after.plusSeconds(2));
    assertThat(await(store.get(key("wf-1"))).ttlSeconds()).isEqualTo(2);
  }

  @Test
  void everyOperationOnAWorkflowKeepsItAliveForAnotherTtl() {
    List<String> ops = List.of("get", "patch", "no-op patch", "append", "events");
    for (String op : ops) {
      createWithTtl(id(op), 2);
    }
    createWithTtl("wf-idle", 2);
    Instant created = now();

    sleepUntil(created.plusMillis(1200));
    for (String op : ops) {
      Instant before = now();
      Instant reported = switch (op) {
        case "get" -> await(store.get(key(id(op)))).expiresAt();
        case "patch" -> await(store.patch(key(id(op)), statePatch("a", 1), null, Actor.of("bob"))).workflow()
            .expiresAt();
        case "no-op patch" -> await(store.patch(key(id(op)), new JsonObject(), null, Actor.of("bob"))).workflow()
            .expiresAt();
        case "append" -> {
          await(store.appendEvent(key(id(op)), custom("tick", new JsonObject()), Actor.of("bob")));
          yield null;
        }
        default -> {
          await(store.events(key(id(op)), null, 10));
          yield null;
        }
      };
      if (reported != null) {
        assertThat(reported).as("expires_at after %s", op).isAfterOrEqualTo(before.plusSeconds(2));
      }
    }

    sleepUntil(created.plusMillis(2500));
    assertThat(exists(key("wf-idle"))).as("untouched for 2.5 s of a 2 s TTL").isFalse();
    for (String op : ops) {
      assertThat(exists(key(id(op)))).as("alive 1.3 s after a %s at 1.2 s of a 2 s TTL", op).isTrue();
    }
  }

  private static String id(String op) {
    return "wf-" + op.replace(' ', '-');
  }

  @Test
  void theExpiryAListingReportsIsWhenTheWorkflowExpires() {
    createWithTtl("wf-1", 2);
    pass(Duration.ofMillis(1000));

    Instant reported = listAll(null, 10).get(0).expiresAt();

    sleepUntil(reported.minusMillis(400));
    assertThat(listAll(null, 10)).as("listed 400 ms before the expires_at it reported").hasSize(1);
    sleepUntil(reported.plusMillis(400));
    assertThat(exists(key("wf-1"))).as("alive 400 ms after the expires_at it reported").isFalse();
  }

  @Test
  void afterTheTtlTheWorkflowIsGoneAndItsExpiryIsAnnouncedOnce() {
    createWithTtl("wf-short", 1);
    await(store.create(key("wf-long"), spec("running", new JsonObject()), Actor.of("bob")));
    Mutation appended = await(store.appendEvent(key("wf-short"), custom("tick", new JsonObject()), Actor.of("bob")));
    assertThat(ours(await(store.expire(now())))).isEmpty();

    sleepUntil(now().plusMillis(1300));
    List<Mutation> expired = new ArrayList<>(ours(await(store.expire(now()))));
    await(store.expired(key("wf-short")));

    assertFailsWith(404, store.get(key("wf-short")));
    assertFailsWith(404, store.events(key("wf-short"), null, 10));
    assertThat(listAll(null, 100)).extracting(w -> w.key().id()).containsExactly("wf-long");
    if (sweepsExpiredWorkflows()) {
      assertThat(expired).hasSize(1);
      Mutation m = expired.get(0);
      assertThat(m.workflow().key()).isEqualTo(key("wf-short"));
      assertEvent(m.event(), "wf-short", 3, EventTypes.EXPIRED, 1);
      assertThat(EventId.parse(m.event().getString("id")))
          .isGreaterThan(EventId.parse(appended.event().getString("id")));
    } else {
      assertThat(expired).isEmpty();
    }
    assertThat(ours(await(store.expire(now())))).isEmpty();
    await(store.expired(key("wf-short")));
    assertThat(await(store.get(key("wf-long"))).version()).isEqualTo(1);
    assertThat(await(store.create(key("wf-short"), spec("pending", new JsonObject()), Actor.of("bob"))).event()
        .getLong("seq")).isEqualTo(1);
  }

  // ---- newest-event bookkeeping

  @Test
  void theWorkflowAlwaysNamesItsNewestEvent() {
    List<Mutation> steps = new ArrayList<>();
    steps.add(create("wf-1"));
    steps.add(await(store.patch(key("wf-1"), statePatch("a", 1), null, Actor.of("bob"))));
    steps.add(await(store.patch(key("wf-1"), new JsonObject().put("status", "waiting"), null, Actor.of("bob"))));
    for (Mutation step : steps) {
      assertNamesNewestEvent(step.workflow(), step.event());
    }
    Mutation appended = await(store.appendEvent(key("wf-1"), custom("tick", new JsonObject()), Actor.of("bob")));
    assertNamesNewestEvent(await(store.get(key("wf-1"))), appended.event());

    Mutation noOp = await(store.patch(key("wf-1"), statePatch("a", 1), null, Actor.of("bob")));
    assertNamesNewestEvent(noOp.workflow(), appended.event());
    List<JsonObject> events = allEvents(key("wf-1"));
    assertThat(events).hasSize(4).last().isEqualTo(appended.event());
    assertNamesNewestEvent(await(store.get(key("wf-1"))), appended.event());
    assertNamesNewestEvent(listAll(null, 10).get(0), appended.event());
  }

  // ---- lifecycle (docs/API.md, "Lifecycle")

  @Test
  void everyStatusThatIsNotTerminalMayMoveToAnyOther() {
    for (String from : Lifecycle.OPEN) {
      for (String to : WorkflowStatus.ALL) {
        if (to.equals(from)) {
          continue;
        }
        String id = "wf-" + from + "-" + to;
        await(store.create(key(id), spec(from, new JsonObject()), Actor.of("alice")));
        Mutation m = await(store.patch(key(id), new JsonObject().put("status", to), null, Actor.of("bob")));
        assertThat(m.workflow().status()).as(from + " -> " + to).isEqualTo(to);
        assertThat(m.event().getString("type")).isEqualTo(EventTypes.STATUS_CHANGED);
        assertThat(m.event().getJsonObject("data")).isEqualTo(new JsonObject().put("status", to).put("from", from)
            .put("to", to));
      }
    }
  }

  @Test
  void aTerminalWorkflowRefusesEveryChangeNamingItsStatusAndStaysReadable() {
    for (String terminal : Lifecycle.TERMINAL) {
      String id = "wf-" + terminal;
      create(id, new JsonObject().put("a", 1));
      Mutation ended = await(store.patch(key(id), new JsonObject().put("status", terminal)
          .put("state", new JsonObject().put("done", true)), null, Actor.of("bob")));
      assertThat(ended.workflow().status()).isEqualTo(terminal);

      for (JsonObject patch : List.of(new JsonObject().put("status", "running"), statePatch("a", 2),
          new JsonObject().put("metadata", new JsonObject().put("m", 1)),
          new JsonObject().put("status", terminal.equals("failed") ? "completed" : "failed"))) {
        ApiException refused = failure(store.patch(key(id), patch, null, Actor.of("carol")));
        assertThat(refused.status()).as("patch %s of a %s workflow", patch, terminal).isEqualTo(409);
        assertThat(refused.getMessage()).contains("'" + id + "' is " + terminal).contains("reopen");
      }
      ApiException event = failure(store.appendEvent(key(id), custom("note", new JsonObject()), Actor.of("carol")));
      assertThat(event.status()).isEqualTo(409);
      assertThat(event.getMessage()).contains("is " + terminal);
      // a patch that would change nothing is answered as before: a retried completion is harmless
      Mutation noOp = await(store.patch(key(id), new JsonObject().put("status", terminal), null, Actor.of("bob")));
      assertThat(noOp.event()).isNull();

      Workflow read = await(store.get(key(id)));
      assertThat(read.status()).isEqualTo(terminal);
      assertThat(read.version()).isEqualTo(2);
      assertThat(read.state()).isEqualTo(new JsonObject().put("a", 1).put("done", true));
      assertThat(read.expiresAt()).isAfter(now());
      assertThat(allEvents(key(id))).hasSize(2);
    }
  }

  @Test
  void reopenMovesATerminalWorkflowBackAndRecordsStatusChangedFromAndTo() {
    create("wf-1", new JsonObject().put("a", 1));
    await(store.patch(key("wf-1"), new JsonObject().put("status", "cancelled"), null, Actor.of("bob")));

    assertFailsWith(412, store.reopen(key("wf-1"), "waiting", 1L, Actor.of("carol")));
    Mutation m = await(store.reopen(key("wf-1"), "waiting", 2L, Actor.of("carol")));

    assertThat(m.workflow().status()).isEqualTo("waiting");
    assertThat(m.workflow().version()).isEqualTo(3);
    assertThat(m.workflow().state()).isEqualTo(new JsonObject().put("a", 1));
    assertEvent(m.event(), "wf-1", 3, EventTypes.STATUS_CHANGED, 3, "carol");
    assertThat(m.event().getJsonObject("data")).isEqualTo(new JsonObject().put("status", "waiting")
        .put("from", "cancelled").put("to", "waiting").put("reopened", true));
    // open again: it takes changes and events
    await(store.patch(key("wf-1"), statePatch("a", 2), null, Actor.of("bob")));
    await(store.appendEvent(key("wf-1"), custom("note", new JsonObject()), Actor.of("bob")));
    assertThat(await(store.get(key("wf-1"))).version()).isEqualTo(4);
  }

  @Test
  void reopenOfAWorkflowThatIsNotTerminalIs409AndChangesNothing() {
    create("wf-1");
    await(store.patch(key("wf-1"), new JsonObject().put("status", "running"), null, Actor.of("bob")));

    ApiException refused = failure(store.reopen(key("wf-1"), "pending", null, Actor.of("carol")));

    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.getMessage()).contains("is running");
    assertThat(await(store.get(key("wf-1"))).version()).isEqualTo(2);
    assertFailsWith(404, store.reopen(key("nope"), "running", null, Actor.of("carol")));
  }

  private static ApiException failure(io.vertx.core.Future<?> future) {
    try {
      Object value = await(future);
      throw new AssertionError("expected a failure, got " + value);
    } catch (ApiException e) {
      return e;
    }
  }

  // ---- helpers

  private WorkflowKey key(String id) {
    return new WorkflowKey(tenant, id);
  }

  private static String randomTenant() {
    return "t-" + UUID.randomUUID();
  }

  private static NewWorkflow spec(String status, JsonObject state) {
    return new NewWorkflow(status, state, new JsonObject(), TTL);
  }

  private static JsonObject statePatch(String field, Object value) {
    return new JsonObject().put("state", new JsonObject().put(field, value));
  }

  private static CustomEvent custom(String type, Object data) {
    return new CustomEvent(type, data, null, null);
  }

  private Mutation create(String id) {
    return create(id, new JsonObject());
  }

  private Mutation createWithTtl(String id, int ttlSeconds) {
    return await(store.create(key(id), new NewWorkflow("pending", new JsonObject(), new JsonObject(), ttlSeconds),
        Actor.of("alice")));
  }

  private boolean exists(WorkflowKey key) {
    try {
      return await(store.get(key)) != null;
    } catch (ApiException e) {
      assertThat(e.status()).isEqualTo(404);
      return false;
    }
  }

  private void sleepUntil(Instant when) {
    Duration left = Duration.between(now(), when);
    if (!left.isNegative()) {
      pass(left);
    }
  }

  private Mutation create(String id, JsonObject state) {
    return await(store.create(key(id), spec("pending", state), Actor.of("alice")));
  }

  private List<JsonObject> allEvents(WorkflowKey key) {
    return await(store.events(key, null, 100_000)).events();
  }

  private List<Workflow> listAll(String status, int pageSize) {
    List<Workflow> all = new ArrayList<>();
    String cursor = null;
    do {
      WorkflowPage page = await(store.list(tenant, status, pageSize, cursor));
      all.addAll(page.items());
      cursor = page.nextCursor();
    } while (cursor != null && all.size() < 10_000);
    return all;
  }

  private List<Mutation> ours(List<Mutation> mutations) {
    return mutations.stream().filter(m -> m.workflow().key().tenant().equals(tenant)).toList();
  }

  private static List<Long> seqs(List<JsonObject> events) {
    return events.stream().map(e -> e.getLong("seq")).toList();
  }

  private static List<Long> range(long from, long to) {
    List<Long> out = new ArrayList<>();
    for (long i = from; i <= to; i++) {
      out.add(i);
    }
    return out;
  }

  private static void assertNewestFirst(List<Workflow> items) {
    for (int i = 1; i < items.size(); i++) {
      assertThat(items.get(i).createdAt()).isBeforeOrEqualTo(items.get(i - 1).createdAt());
    }
  }

  private static void assertEvent(JsonObject event, String workflowId, long seq, String type, long version,
      String actor) {
    assertEvent(event, workflowId, seq, type, version);
    assertThat(event.getString("actor")).isEqualTo(actor);
  }

  private static void assertEvent(JsonObject event, String workflowId, long seq, String type, long version) {
    assertThat(event).as("event").isNotNull();
    assertThat(event.fieldNames()).containsAll(EVENT_FIELDS);
    assertThat(EventId.parse(event.getString("id"))).as("event id %s", event.getString("id")).isNotNull();
    assertThat(event.getString("workflow_id")).isEqualTo(workflowId);
    assertThat(event.getLong("seq")).isEqualTo(seq);
    assertThat(event.getString("type")).isEqualTo(type);
    assertThat(event.getLong("version")).isEqualTo(version);
    assertThat(Instant.parse(event.getString("created_at"))).isNotNull();
  }

  private static void assertNamesNewestEvent(Workflow workflow, JsonObject event) {
    assertThat(workflow.lastEventId()).isEqualTo(event.getString("id"));
    assertThat(workflow.lastSeq()).isEqualTo(event.getLong("seq"));
  }
}
