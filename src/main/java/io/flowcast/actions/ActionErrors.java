package io.flowcast.actions;

import io.flowcast.bus.ApiException;

/** The refusals of the action queue, worded once for both backends. */
public final class ActionErrors {
  private ActionErrors() {
  }

  public static ApiException unknown(String actionId) {
    return ApiException.notFound("action '" + actionId + "' does not exist in this workflow");
  }

  /** Settling an action that no worker holds: it was completed, dead-lettered, or queued again. */
  public static ApiException notClaimed(String actionId, String status) {
    String why = switch (status) {
      case Action.COMPLETED -> "it is already completed";
      case Action.FAILED -> "it already failed for good (see ?status=failed)";
      default -> "it is queued, not claimed (its lease expired or it was failed with retry); claim it first";
    };
    return ApiException.conflict("action '" + actionId + "' cannot be settled: " + why);
  }

  /** The worker's lease expired and another worker claimed the action: that worker's outcome counts. */
  public static ApiException lost(String actionId, String worker, String holder) {
    return ApiException.conflict("worker '" + worker + "' no longer holds action '" + actionId + "': its lease "
        + "expired and worker '" + holder + "' claimed it again");
  }
}
