package io.flowcast.workflow;

/** Who makes a change (the token's subject) and the request it came in, for events and the audit log. */
public record Actor(String subject, String requestId) {
  public static final Actor SYSTEM = new Actor("system", null);

  public static Actor of(String subject) {
    return new Actor(subject, null);
  }
}
