package io.flowcast.workflow;

/**
 * Who makes a change (the token's subject) and the request it came in, for events and the audit log, and
 * the request's hold on its Idempotency-Key record when it sent one (null otherwise).
 */
public record Actor(String subject, String requestId, IdempotencyClaim claim) {
  public static final Actor SYSTEM = new Actor("system", null, null);

  public Actor(String subject, String requestId) {
    this(subject, requestId, null);
  }

  public static Actor of(String subject) {
    return new Actor(subject, null);
  }
}
