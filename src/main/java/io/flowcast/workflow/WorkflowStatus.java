package io.flowcast.workflow;

import java.util.Set;

/** The statuses a workflow may have. */
public final class WorkflowStatus {
  public static final String PENDING = "pending";
  public static final Set<String> ALL = Set.of(PENDING, "running", "waiting", "completed", "failed", "cancelled");

  private WorkflowStatus() {
  }

  public static boolean valid(String status) {
    return status != null && ALL.contains(status);
  }

  public static String describe() {
    return "one of pending, running, waiting, completed, failed, cancelled";
  }
}
