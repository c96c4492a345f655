package io.flowcast.interrupts;

import io.flowcast.bus.ApiException;

/** The refusals of interrupts, worded once for both backends. */
public final class InterruptErrors {
  private InterruptErrors() {
  }

  public static ApiException unknown(String interruptId) {
    return ApiException.notFound("interrupt '" + interruptId + "' does not exist in this workflow");
  }

  /** An interrupt that is no longer open: answered already, or closed when its workflow ended. */
  public static ApiException notOpen(String interruptId, String status) {
    return ApiException.conflict("interrupt '" + interruptId + "' is " + status + ": "
        + (Interrupt.RESOLVED.equals(status) ? "it was answered already; an interrupt is answered once"
            : "its workflow reached a terminal status before it was answered"));
  }

  public static ApiException expired(String interruptId) {
    return new ApiException(410, "interrupt '" + interruptId + "' expired (its expires_at has passed); it can no "
        + "longer be answered");
  }

  public static ApiException tooMany(int open) {
    return ApiException.conflict("this workflow has " + open + " open interrupts, the most it may have ("
        + InterruptStore.MAX_OPEN + "); answer some first");
  }
}
