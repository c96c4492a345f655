package io.flowcast.workflow;

import io.flowcast.backend.Backend;
import io.flowcast.workflow.IdempotencyRecords.Answer;
import io.flowcast.workflow.IdempotencyRecords.Found;
import io.flowcast.workflow.IdempotencyRecords.Scope;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.flowcast.testsupport.StoreFutures.assertFailsWith;
import static io.flowcast.testsupport.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Idempotency-Key records of a backend, with its store: one reservation per scope, answers kept, and a
 * change applied only under a held claim and recorded with it (docs/REDIS.md, "Idempotency keys").
 */
abstract class IdempotencyRecordsContract {
  private static final long LEASE_MS = 60_000;
  private static final long TTL_MS = 600_000;

  /** A backend of the kind under test (its store and records share their state). */
  protected abstract Backend newBackend();

  private Backend backend;
  private IdempotencyRecords records;
  private WorkflowKey workflow;

  @BeforeEach
  void freshBackendAndWorkflow() {
    backend = newBackend();
    records = backend.idempotency();
    workflow = new WorkflowKey("t-" + UUID.randomUUID().toString().substring(0, 8), "wf");
    await(backend.store().create(workflow, new NewWorkflow("running", new JsonObject(), new JsonObject(), 600),
        Actor.of("alice")));
  }

  private Scope scope(String subject, String key) {
    return new Scope(workflow, subject, "POST", "/api/v1/workflows/wf/events", key);
  }

  private int events() {
    return await(backend.store().events(workflow, null, 100)).events().size();
  }

  private Found found(Scope scope, String fingerprint) {
    IdempotencyRecords.Reservation again = await(records.reserve(scope, fingerprint, LEASE_MS, TTL_MS));
    assertThat(again.claim()).isNull();
    return again.found();
  }

  @Test
  void aSecondReservationFindsTheFirstInFlightWithItsFingerprint() {
    Scope scope = scope("alice", "k1");
    assertThat(await(records.reserve(scope, "fp-1", LEASE_MS, TTL_MS)).claim()).isNotNull();

    Found found = found(scope, "fp-2");

    assertThat(found.state()).isEqualTo(IdempotencyRecords.IN_FLIGHT);
    assertThat(found.fingerprint()).isEqualTo("fp-1");
    assertThat(found.answer()).isNull();
  }

  @Test
  void aCompletedRecordHoldsItsAnswer() {
    Scope scope = scope("alice", "k1");
    IdempotencyClaim claim = await(records.reserve(scope, "fp", LEASE_MS, TTL_MS)).claim();
    JsonObject headers = new JsonObject().put("ETag", "\"3\"").put("Content-Type", "application/json");

    assertThat(await(records.complete(claim, new Answer(201, headers, "{\"a\":1}"), TTL_MS))).isTrue();
    Found found = found(scope, "fp");

    assertThat(found.state()).isEqualTo(IdempotencyRecords.DONE);
    assertThat(found.answer()).isEqualTo(new Answer(201, headers, "{\"a\":1}"));
  }

  @Test
  void anAnswerWithoutBodyIsKeptWithoutOne() {
    Scope scope = scope("alice", "k1");
    IdempotencyClaim claim = await(records.reserve(scope, "fp", LEASE_MS, TTL_MS)).claim();
    await(records.complete(claim, new Answer(204, new JsonObject(), null), TTL_MS));

    assertThat(found(scope, "fp").answer()).isEqualTo(new Answer(204, new JsonObject(), null));
  }

  @Test
  void scopesOfOtherSubjectsAndKeysAreTheirOwn() {
    assertThat(await(records.reserve(scope("alice", "k1"), "fp", LEASE_MS, TTL_MS)).claim()).isNotNull();
    assertThat(await(records.reserve(scope("bob", "k1"), "fp", LEASE_MS, TTL_MS)).claim()).isNotNull();
    assertThat(await(records.reserve(scope("alice", "k2"), "fp", LEASE_MS, TTL_MS)).claim()).isNotNull();
  }

  @Test
  void aReleasedReservationFreesTheKey() {
    Scope scope = scope("alice", "k1");
    IdempotencyClaim first = await(records.reserve(scope, "fp", LEASE_MS, TTL_MS)).claim();
    await(records.release(first));

    IdempotencyClaim second = await(records.reserve(scope, "fp", LEASE_MS, TTL_MS)).claim();

    assertThat(second).isNotNull();
    assertThat(second.owner()).isNotEqualTo(first.owner());
    assertThat(await(records.complete(first, new Answer(200, new JsonObject(), "{}"), TTL_MS))).isFalse();
  }

  @Test
  void aChangeUnderItsClaimMarksTheRecordAppliedAndAReleaseKeepsIt() {
    Scope scope = scope("alice", "k1");
    IdempotencyClaim claim = await(records.reserve(scope, "fp", LEASE_MS, TTL_MS)).claim();

    await(backend.store().appendEvent(workflow, new CustomEvent("tick", new JsonObject(), null, null),
        new Actor("alice", "r-1", claim)));
    await(records.release(claim));

    assertThat(found(scope, "fp").state()).isEqualTo(IdempotencyRecords.APPLIED);
    assertThat(events()).isEqualTo(2);
  }

  @Test
  void aChangeWhoseReservationWasReleasedOrTakenOverChangesNothing() {
    Scope scope = scope("alice", "k1");
    IdempotencyClaim lapsed = await(records.reserve(scope, "fp", LEASE_MS, TTL_MS)).claim();
    await(records.release(lapsed));
    assertFailsWith(409, backend.store().appendEvent(workflow, new CustomEvent("tick", new JsonObject(), null, null),
        new Actor("alice", "r-1", lapsed)));

    await(records.reserve(scope, "fp", LEASE_MS, TTL_MS));
    assertFailsWith(409, backend.store().patch(workflow, new JsonObject().put("status", "failed"), null,
        new Actor("alice", "r-1", lapsed)));

    assertThat(events()).isEqualTo(1);
    assertThat(await(backend.store().get(workflow)).status()).isEqualTo("running");
  }
}
