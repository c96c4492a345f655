package io.flowcast.workflow;

import io.flowcast.bus.ApiException;

import java.util.List;
import java.util.Set;

/**
 * The lifecycle of a workflow (docs/API.md, "Lifecycle"): from {@code pending}, {@code running} or
 * {@code waiting} a workflow may move to any other status; {@code completed}, {@code failed} and
 * {@code cancelled} are terminal. A terminal workflow takes no change, event or action until it is reopened
 * (to a status that is not terminal, {@code running} unless named); it can still be read and deleted. The
 * Redis scripts hold the same set ({@code TERMINAL} in {@code _lib.lua}; LifecycleContract checks both).
 */
public final class Lifecycle {
  public static final Set<String> TERMINAL = Set.of("completed", "failed", "cancelled");
  /** The statuses that are not terminal, in the order the docs list them. */
  public static final List<String> OPEN = List.of(WorkflowStatus.PENDING, "running", "waiting");
  public static final String CANCELLED = "cancelled";
  /** The longest reason a cancel may give. */
  public static final int MAX_REASON = 1024;
  /** Where a reopen goes when it names no status. */
  public static final String REOPENED = "running";

  private Lifecycle() {
  }

  public static boolean terminal(String status) {
    return TERMINAL.contains(status);
  }

  /** The refusal of any change to a workflow in the terminal {@code status} (409, naming the status). */
  public static ApiException closed(String id, String status) {
    return closed(id, status, null);
  }

  /**
   * The same, naming the reason a cancel gave (null or empty: none), so a worker refused after a cancel
   * learns why at once.
   */
  public static ApiException closed(String id, String status, String reason) {
    String why = reason == null || reason.isEmpty() ? "" : ". The cancel's reason: \"" + reason + "\"";
    return ApiException.conflict("workflow '" + id + "' is " + status + " (a terminal status): it takes no more "
        + "changes, events or actions; reopen it first (POST /api/v1/workflows/" + id + "/reopen)" + why);
  }

  /** The refusal of a reopen of a workflow that is not in a terminal status. */
  public static ApiException notClosed(String id, String status) {
    return ApiException.conflict("workflow '" + id + "' is " + status + ", not completed, failed or cancelled: "
        + "only a workflow in a terminal status is reopened (change its status with PATCH)");
  }

  /** A cancel's reason: a string of at most {@link #MAX_REASON} characters, or absent (null). */
  public static String cancelReason(Object value) {
    if (value == null) {
      return null;
    }
    if (!(value instanceof String s) || s.length() > MAX_REASON) {
      throw ApiException.badRequest("a cancel's reason must be a string of at most " + MAX_REASON + " characters");
    }
    return s;
  }

  /** The status a reopen asks for: one that is not terminal, {@link #REOPENED} when absent (400 otherwise). */
  public static String reopenTarget(Object value) {
    if (value == null) {
      return REOPENED;
    }
    if (!(value instanceof String s) || !OPEN.contains(s)) {
      throw ApiException.badRequest("a reopen's status must be one of pending, running, waiting (default "
          + REOPENED + ")");
    }
    return s;
  }
}
