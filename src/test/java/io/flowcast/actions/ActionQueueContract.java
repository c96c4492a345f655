package io.flowcast.actions;

import java.time.Duration;
import java.time.Clock;
import io.flowcast.testsupport.TestClock;
import io.flowcast.backend.Backend;
import io.flowcast.actions.ActionQueue.Change;
import io.flowcast.actions.ActionQueue.Claim;
import io.flowcast.actions.ActionQueue.NewAction;
import io.flowcast.actions.ActionQueue.Outcome;
import io.flowcast.actions.ActionQueue.Settlement;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.NewWorkflow;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

import static io.flowcast.testsupport.StoreFutures.assertFailsWith;
import static io.flowcast.testsupport.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The semantics of the action queue on every backend, run once per backend (a subclass only says how to
 * make the workflow store). Each test works in a tenant of its own.
 */
public abstract class ActionQueueContract {
  private static final Actor ALICE = Actor.of("alice");
  private static final List<String> FIELDS = List.of("id", "type", "payload", "status", "worker", "lease_until",
      "attempts", "result", "error", "created_at", "updated_at");

  /**
   * A fresh backend on {@code clock}: its store and its action queue are tested together. Leases are
   * timed by the clock the backend is given on every backend, so the tests move it instead of sleeping.
   */
  protected abstract Backend newBackend(Clock clock);

  private final TestClock clock = new TestClock();

  private WorkflowStore store;
  private ActionQueue queue;
  private WorkflowKey key;

  @BeforeEach
  void freshWorkflow() {
    Backend backend = newBackend(clock);
    store = backend.store();
    queue = backend.actions();
    key = new WorkflowKey("t-" + UUID.randomUUID().toString().substring(0, 8), "wf-1");
    await(store.create(key, new NewWorkflow("running", new JsonObject(), new JsonObject(), 600), ALICE));
  }

  @Test
  void enqueueQueuesTheActionAndAppendsActionQueuedWithoutChangingTheVersion() {
    JsonObject payload = new JsonObject().put("url", "https://example.com").put("n", 3);
    Instant before = clock.instant().minusMillis(1);

    Change c = enqueue("fetch", payload);

    JsonObject a = c.action().toJson();
    assertThat(a.fieldNames()).containsExactlyInAnyOrderElementsOf(FIELDS);
    assertThat(a.getString("id")).matches("[A-Za-z0-9._-]{1,128}");
    assertThat(a.getString("type")).isEqualTo("fetch");
    assertThat(a.getValue("payload")).isEqualTo(payload);
    assertThat(a.getString("status")).isEqualTo("queued");
    assertThat(a.getInteger("attempts")).isZero();
    assertThat(a.getString("worker")).isNull();
    assertThat(a.getString("lease_until")).isNull();
    assertThat(Instant.parse(a.getString("created_at"))).isAfter(before)
        .isEqualTo(Instant.parse(a.getString("updated_at")));
    JsonObject event = c.mutation().event();
    assertThat(event.getString("type")).isEqualTo("action.queued");
    assertThat(event.getLong("seq")).isEqualTo(2);
    assertThat(event.getLong("version")).isEqualTo(1);
    assertThat(event.getString("actor")).isEqualTo("alice");
    assertThat(event.getJsonObject("data")).isEqualTo(new JsonObject().put("id", a.getString("id"))
        .put("type", "fetch").put("status", "queued").put("payload", payload));
    assertThat(await(store.get(key)).version()).isEqualTo(1);
    assertThat(await(queue.get(key, a.getString("id"))).toJson()).isEqualTo(a);
  }

  @Test
  void claimHandsOutTheOldestQueuedActionFirstAndNothingWhenTheQueueIsEmpty() {
    assertThat(claim("w1", 30)).as("no action was ever queued").isNull();
    String first = enqueue("a", 1).action().id();
    String second = enqueue("b", 2).action().id();

    Change c = claim("w1", 30);
    Instant now = clock.instant();

    JsonObject a = c.action().toJson();
    assertThat(a.getString("id")).isEqualTo(first);
    assertThat(a.getString("status")).isEqualTo("claimed");
    assertThat(a.getString("worker")).isEqualTo("w1");
    assertThat(a.getInteger("attempts")).isEqualTo(1);
    assertThat(Instant.parse(a.getString("lease_until"))).isBetween(now.plusSeconds(28), now.plusSeconds(31));
    assertThat(c.mutation().event().getString("type")).isEqualTo("action.claimed");
    assertThat(c.mutation().event().getJsonObject("data")).isEqualTo(new JsonObject().put("id", first)
        .put("type", "a").put("status", "claimed").put("worker", "w1").put("lease_until", a.getString("lease_until"))
        .put("attempts", 1).putNull("previous_worker"));
    assertThat(claim("w2", 30).action().id()).isEqualTo(second);
    assertThat(claim("w3", 30)).isNull();
  }

  @Test
  void aCompletedActionKeepsItsResultAndNeverComesBack() {
    String id = enqueue("a", "x").action().id();
    claim("w1", 1);
    JsonObject result = new JsonObject().put("pages", new JsonArray().add(1).add(2));

    Change done = await(queue.settle(key, new Settlement(id, Outcome.COMPLETE, "w1", result), ALICE));

    assertThat(done.action().status()).isEqualTo("completed");
    assertThat(done.action().result()).isEqualTo(result);
    assertThat(done.action().leaseUntil()).isNull();
    assertThat(done.mutation().event().getString("type")).isEqualTo("action.completed");
    assertThat(done.mutation().event().getJsonObject("data")).isEqualTo(new JsonObject().put("id", id)
        .put("type", "a").put("status", "completed").put("worker", "w1").put("result", result));
    clock.advance(Duration.ofMillis(1100));
    assertThat(claim("w2", 30)).as("not even after its lease would have expired").isNull();
    assertFailsWith(409, queue.settle(key, new Settlement(id, Outcome.COMPLETE, null, "again"), ALICE));
    assertFailsWith(409, queue.settle(key, new Settlement(id, Outcome.FAIL, null, "late"), ALICE));
    assertThat(await(queue.get(key, id)).toJson()).isEqualTo(done.action().toJson());
  }

  @Test
  void failWithRetryQueuesTheActionAgainBehindTheOthersAndCountsItsAttempts() {
    String id = enqueue("a", 1).action().id();
    String other = enqueue("b", 2).action().id();
    claim("w1", 30);

    Change failed = await(queue.settle(key, new Settlement(id, Outcome.RETRY, "w1", "timeout"), ALICE));

    assertThat(failed.action().status()).isEqualTo("queued");
    assertThat(failed.action().worker()).isNull();
    assertThat(failed.action().error()).isEqualTo("timeout");
    assertThat(failed.mutation().event().getString("type")).isEqualTo("action.failed");
    assertThat(failed.mutation().event().getJsonObject("data")).isEqualTo(new JsonObject().put("id", id)
        .put("type", "a").put("status", "queued").put("worker", "w1").put("error", "timeout").put("retry", true)
        .put("attempts", 1));
    assertThat(claim("w2", 30).action().id()).isEqualTo(other);
    Action again = claim("w3", 30).action();
    assertThat(again.id()).isEqualTo(id);
    assertThat(again.attempts()).isEqualTo(2);
    assertThat(again.error()).as("the next worker sees why it failed").isEqualTo("timeout");
  }

  @Test
  void failWithoutRetryMakesADeadLetterThatIsListedAndNeverHandedOut() {
    String id = enqueue("a", 1).action().id();
    enqueue("b", 2);
    claim("w1", 1);
    JsonObject error = new JsonObject().put("code", "E42").put("message", "bad input");

    Change failed = await(queue.settle(key, new Settlement(id, Outcome.FAIL, null, error), ALICE));

    assertThat(failed.action().status()).isEqualTo("failed");
    assertThat(failed.action().worker()).isEqualTo("w1");
    assertThat(failed.action().error()).isEqualTo(error);
    assertThat(failed.mutation().event().getJsonObject("data")).isEqualTo(new JsonObject().put("id", id)
        .put("type", "a").put("status", "failed").put("worker", "w1").put("error", error).put("retry", false)
        .put("attempts", 1));
    List<Action> dead = await(queue.list(key, "failed", null, 100)).items();
    assertThat(dead).extracting(Action::id).containsExactly(id);
    clock.advance(Duration.ofMillis(1100));
    assertThat(claim("w2", 30).action().type()).isEqualTo("b");
    assertThat(claim("w2", 30)).isNull();
    assertFailsWith(409, queue.settle(key, new Settlement(id, Outcome.RETRY, null, "again"), ALICE));
  }

  @Test
  void anExpiredLeaseMakesTheActionClaimableAgainBeforeQueuedOnes() {
    String id = enqueue("a", 1).action().id();
    claim("w1", 1);
    enqueue("b", 2);
    assertThat(claim("w2", 30).action().type()).as("a live lease is not handed out").isEqualTo("b");
    assertThat(claim("w2", 30)).isNull();
    enqueue("c", 3);

    clock.advance(Duration.ofMillis(1100));
    Change again = claim("w3", 30);

    assertThat(again.action().id()).isEqualTo(id);
    assertThat(again.action().worker()).isEqualTo("w3");
    assertThat(again.action().attempts()).isEqualTo(2);
    assertThat(again.mutation().event().getJsonObject("data").getString("previous_worker")).isEqualTo("w1");
    assertThat(claim("w3", 30).action().type()).isEqualTo("c");
  }

  @Test
  void aWorkerWhoseLeaseWasTakenOverIsRefusedAndTheNewHolderSettles() {
    String id = enqueue("a", 1).action().id();
    claim("w1", 1);
    clock.advance(Duration.ofMillis(1100));
    claim("w2", 30);

    assertFailsWith(409, queue.settle(key, new Settlement(id, Outcome.COMPLETE, "w1", "late"), ALICE));
    Change done = await(queue.settle(key, new Settlement(id, Outcome.COMPLETE, "w2", "ok"), ALICE));

    assertThat(done.action().worker()).isEqualTo("w2");
    assertThat(done.action().result()).isEqualTo("ok");
  }

  @Test
  void aWorkerWhoseLeaseExpiredMayStillSettleWhileNobodyElseClaimedIt() {
    String id = enqueue("a", 1).action().id();
    claim("w1", 1);
    clock.advance(Duration.ofMillis(1100));

    Change done = await(queue.settle(key, new Settlement(id, Outcome.COMPLETE, "w1", "ok"), ALICE));

    assertThat(done.action().status()).isEqualTo("completed");
    assertThat(claim("w2", 30)).isNull();
  }

  @Test
  void aHeartbeatRenewsTheHoldersLeaseWithoutAnEventSoNobodyElseTakesIt() {
    String id = enqueue("a", 1).action().id();
    Change claimed = claim("w1", 1);
    long seq = claimed.mutation().event().getLong("seq");
    clock.advance(Duration.ofMillis(800));
    Action renewed = await(queue.heartbeat(key, id, new Claim("w1", 5), ALICE));
    assertThat(renewed.worker()).isEqualTo("w1");
    assertThat(renewed.leaseUntil()).isAfter(claimed.action().leaseUntil());
    assertThat(await(queue.get(key, id)).leaseUntil()).isEqualTo(renewed.leaseUntil());

    clock.advance(Duration.ofMillis(1500));
    assertThat(claim("w2", 30)).as("the renewed lease still holds past the first deadline").isNull();
    assertThat(await(store.events(key, null, 100)).events()).as("a heartbeat appends no event")
        .allMatch(e -> e.getLong("seq") <= seq);
    clock.advance(Duration.ofSeconds(4));
    assertThat(claim("w2", 30).action().id()).as("once the renewed lease runs out, another worker gets it")
        .isEqualTo(id);
    assertFailsWith(409, queue.heartbeat(key, id, new Claim("w1", 5), ALICE));
  }

  @Test
  void aHeartbeatOfAnActionNotHeldIsRefusedAndACancelReachesTheHolder() {
    String id = enqueue("a", 1).action().id();
    assertFailsWith(409, queue.heartbeat(key, id, new Claim("w1", 5), ALICE));
    assertFailsWith(404, queue.heartbeat(key, "act-nope", new Claim("w1", 5), ALICE));
    claim("w1", 30);
    assertFailsWith(409, queue.heartbeat(key, id, new Claim("w2", 5), ALICE));

    await(store.cancel(key, "the user pressed stop", null, ALICE));
    Throwable refused = assertFailsWith(409, queue.heartbeat(key, id, new Claim("w1", 5), ALICE));
    assertThat(refused.getMessage()).contains("cancelled");
    assertFailsWith(409, queue.settle(key, new Settlement(id, Outcome.COMPLETE, "w1", "late"), ALICE));
    assertFailsWith(409, queue.claim(key, new Claim("w2", 30), ALICE));
  }

  @Test
  void settlingAQueuedOrUnknownActionIsRefused() {
    String id = enqueue("a", 1).action().id();

    assertFailsWith(409, queue.settle(key, new Settlement(id, Outcome.COMPLETE, null, "x"), ALICE));
    assertFailsWith(404, queue.settle(key, new Settlement("act-nope", Outcome.COMPLETE, null, "x"), ALICE));
    assertFailsWith(404, queue.get(key, "act-nope"));
    WorkflowKey missing = new WorkflowKey(key.tenant(), "wf-missing");
    assertFailsWith(404, queue.enqueue(missing, new NewAction("a", null), ALICE));
    assertFailsWith(404, queue.claim(missing, new Claim("w1", 30), ALICE));
    assertFailsWith(404, queue.list(missing, null, null, 10));
  }

  @Test
  void payloadsResultsAndErrorsKeepEveryDigitAndAnyJsonShape() {
    JsonObject payload = new JsonObject().put("big", 9007199254740993L).put("pi", 3.141592653589793)
        .put("list", new JsonArray().add(new JsonObject()).add(new JsonArray())).put("empty", new JsonObject())
        .put("text", "quote \" backslash \\ newline \n unicode \u00e9");
    String id = enqueue("a", payload).action().id();
    enqueue("scalar", 12345678901234567L);
    enqueue("nothing", null);

    assertThat(claim("w1", 30).action().payload()).isEqualTo(payload);
    assertThat(claim("w1", 30).action().payload()).isEqualTo(12345678901234567L);
    assertThat(claim("w1", 30).action().payload()).isNull();
    Change done = await(queue.settle(key, new Settlement(id, Outcome.COMPLETE, null, new JsonArray().add(payload)),
        ALICE));
    assertThat(done.action().result()).isEqualTo(new JsonArray().add(payload));
    assertThat(await(queue.get(key, id)).payload()).isEqualTo(payload);
  }

  @Test
  void listShowsActionsInQueueOrderFilteredByStatusAndPaged() {
    String a = enqueue("a", 1).action().id();
    String b = enqueue("b", 2).action().id();
    String c = enqueue("c", 3).action().id();
    String d = enqueue("d", 4).action().id();
    claim("w1", 30);
    String claimed = claim("w1", 30).action().id();
    await(queue.settle(key, new Settlement(claimed, Outcome.COMPLETE, null, null), ALICE));

    ActionQueue.Page first = await(queue.list(key, null, null, 3));
    ActionQueue.Page rest = await(queue.list(key, null, first.nextCursor(), 3));

    assertThat(first.items()).extracting(Action::id).containsExactly(a, b, c);
    assertThat(first.nextCursor()).isNotNull();
    assertThat(rest.items()).extracting(Action::id).containsExactly(d);
    assertThat(rest.nextCursor()).isNull();
    assertThat(await(queue.list(key, "queued", null, 10)).items()).extracting(Action::id).containsExactly(c, d);
    assertThat(await(queue.list(key, "claimed", null, 10)).items()).extracting(Action::id).containsExactly(a);
    assertThat(await(queue.list(key, "completed", null, 10)).items()).extracting(Action::id).containsExactly(b);
    assertThat(await(queue.list(key, "failed", null, 10)).items()).isEmpty();
  }

  @Test
  void everyStepAppendsItsEventInSeqOrder() {
    String id = enqueue("a", 1).action().id();
    claim("w1", 30);
    await(queue.settle(key, new Settlement(id, Outcome.RETRY, null, "e"), ALICE));
    claim("w1", 30);
    await(queue.settle(key, new Settlement(id, Outcome.COMPLETE, null, "r"), ALICE));

    List<JsonObject> events = await(store.events(key, null, 100)).events();

    assertThat(events).extracting(e -> e.getString("type")).containsExactly("workflow.created", "action.queued",
        "action.claimed", "action.failed", "action.claimed", "action.completed");
    assertThat(events).extracting(e -> e.getLong("seq")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    assertThat(events).extracting(e -> e.getLong("version")).containsOnly(1L);
    assertThat(events.subList(1, 6)).allSatisfy(e -> assertThat(e.getJsonObject("data").getString("id")).isEqualTo(id));
  }

  @Test
  void theActionsGoWithTheWorkflow() {
    enqueue("a", 1);
    claim("w1", 30);
    enqueue("b", 2);

    await(store.delete(key, ALICE));
    await(store.create(key, new NewWorkflow("running", new JsonObject(), new JsonObject(), 600), ALICE));

    assertThat(await(queue.list(key, null, null, 10)).items()).isEmpty();
    assertThat(claim("w1", 30)).isNull();
  }

  private Change enqueue(String type, Object payload) {
    return await(queue.enqueue(key, new NewAction(type, payload), ALICE));
  }

  private Change claim(String worker, int leaseSeconds) {
    return await(queue.claim(key, new Claim(worker, leaseSeconds), ALICE));
  }
}
