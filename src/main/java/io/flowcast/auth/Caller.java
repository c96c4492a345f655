package io.flowcast.auth;

import io.flowcast.bus.ApiException;

import java.util.Set;

/**
 * The authenticated client of a request, from its token's claims; {@code sessionId} is the {@code sid}
 * claim (null when the token has none), by which a logout or a refresh-token reuse revokes it.
 * {@code workflows} is the {@code wf} claim of a token limited to some workflows of its tenant (one id,
 * or the ids starting with a prefix: {@code ticket-*}), or null for a token that may address them all.
 */
public record Caller(String subject, String tenant, Set<String> scopes, long expiresAtEpochSecond, String sessionId,
    String workflows) {
  public static final String READ = "workflows:read";
  public static final String WRITE = "workflows:write";
  public static final String ADMIN = "admin";
  /**
   * Reading a workflow (as {@link #READ}) and answering its interrupts, nothing else: for a page that lets a
   * person approve one ticket. {@link #WRITE} allows answering too.
   */
  public static final String ANSWER = "interrupts:answer";
  /** Operating the deployment (the instance registry); {@link #ADMIN} implies it like every scope. */
  public static final String FLOWCAST_ADMIN = "flowcast:admin";

  /** The constant for a scope this server knows: callers the token cache keeps hold no copy of their own. */
  static String known(String scope) {
    return switch (scope) {
      case READ -> READ;
      case WRITE -> WRITE;
      case ADMIN -> ADMIN;
      case FLOWCAST_ADMIN -> FLOWCAST_ADMIN;
      case ANSWER -> ANSWER;
      default -> scope;
    };
  }

  /** A token without a workflow limit. */
  public Caller(String subject, String tenant, Set<String> scopes, long expiresAtEpochSecond, String sessionId) {
    this(subject, tenant, scopes, expiresAtEpochSecond, sessionId, null);
  }

  /** Whether {@code pattern} is a workflow limit a token may carry: an id, or an id prefix and {@code *}. */
  public static boolean validLimit(String pattern) {
    if (pattern == null) {
      return false;
    }
    String id = pattern.endsWith("*") ? pattern.substring(0, pattern.length() - 1) : pattern;
    return io.flowcast.workflow.Ids.valid(id);
  }

  /** Whether the workflow limit {@code pattern} admits workflow {@code id}. */
  public static boolean admits(String pattern, String id) {
    return pattern == null || (pattern.endsWith("*") ? id.startsWith(pattern.substring(0, pattern.length() - 1))
        : pattern.equals(id));
  }

  /** Fails with 403 unless this token may address workflow {@code id}. */
  public void requireWorkflow(String id) {
    if (!admits(workflows, id)) {
      throw new ApiException(403, "this token is limited to workflow" + (workflows.endsWith("*") ? "s " : " ")
          + "'" + workflows + "'");
    }
  }

  /** Fails with 403 for a token limited to some workflows (it may not create or list them). */
  public void requireAllWorkflows() {
    if (workflows != null) {
      throw new ApiException(403, "this token is limited to workflow" + (workflows.endsWith("*") ? "s " : " ")
          + "'" + workflows + "': it may not create or list workflows");
    }
  }

  /** Whether the token allows {@code scope}: {@code admin} allows all, answering implies reading, writing answering. */
  public boolean may(String scope) {
    return scopes.contains(scope) || scopes.contains(ADMIN)
        || (READ.equals(scope) && scopes.contains(ANSWER)) || (ANSWER.equals(scope) && scopes.contains(WRITE));
  }

  /** Fails with 403 unless the token carries {@code scope} (or {@code admin}). */
  public void require(String scope) {
    if (!may(scope)) {
      throw new ApiException(403, "this token lacks the '" + scope + "' scope");
    }
  }
}
