package io.flowcast.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Where the Idempotency-Key records of a backend live (docs/API.md, "Idempotency-Key"; docs/REDIS.md): one
 * record per tenant, token subject, method, path and key, beside the workflow the request changes. A record
 * is reserved by the first request ({@code in-flight}), marked {@code applied} by the backend in the same
 * step as that request's change (see {@link IdempotencyClaim}), and then holds the answer ({@code done}).
 */
public interface IdempotencyRecords {
  String IN_FLIGHT = "in-flight";
  String APPLIED = "applied";
  String DONE = "done";

  /** What names a record: the workflow it lies beside, and the request's subject, method, path and key. */
  record Scope(WorkflowKey workflow, String subject, String method, String path, String key) {

    /** The record's name beside its workflow: the scope hashed (SHA-256, base64url), so no subject or key shows. */
    public String digest() {
      try {
        String text = subject + "\n" + method + "\n" + path + "\n" + key;
        byte[] sha = java.security.MessageDigest.getInstance("SHA-256")
            .digest(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(sha);
      } catch (java.security.NoSuchAlgorithmException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** An answer as it is replayed: status, the headers that matter, the body (null for none). */
  record Answer(int status, JsonObject headers, String body) {
  }

  /** A record found by a reservation: the request's fingerprint, its state, and its answer when done. */
  record Found(String fingerprint, String state, Answer answer) {
  }

  /** Either this request's claim on a new record, or the record another request made. */
  record Reservation(IdempotencyClaim claim, Found found) {
  }

  /**
   * Reserves the record of {@code scope} for a request with {@code fingerprint}, unless there is one: an
   * unfinished reservation lasts {@code leaseMs}, an applied or answered record {@code ttlMs}.
   */
  Future<Reservation> reserve(Scope scope, String fingerprint, long leaseMs, long ttlMs);

  /** Stores the answer in the claimed record, kept {@code ttlMs}: false when the record is no longer the claim's. */
  Future<Boolean> complete(IdempotencyClaim claim, Answer answer, long ttlMs);

  /** The refusal of a change whose request's reservation ran out or was taken over (nothing was changed). */
  static io.flowcast.bus.ApiException unclaimed() {
    return io.flowcast.bus.ApiException.conflict("this request's Idempotency-Key reservation ran out or was taken "
        + "over by a retry; nothing was changed");
  }

  /** Drops the claim's record when it is still in flight (nothing was applied), so a retry runs again. */
  Future<Void> release(IdempotencyClaim claim);
}
