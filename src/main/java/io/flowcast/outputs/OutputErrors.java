package io.flowcast.outputs;

import io.flowcast.bus.ApiException;

/** The refusals of output commands, worded the same on every backend. */
public final class OutputErrors {
  private OutputErrors() {
  }

  public static ApiException closed(String name) {
    return ApiException.conflict("output '" + name + "' is closed");
  }

  public static ApiException unknown(String name) {
    return ApiException.notFound("output '" + name + "' does not exist");
  }

  public static ApiException tooLarge(String name, long maxChars) {
    return new ApiException(413, "output '" + name + "' would exceed " + maxChars + " characters (outputs.max_chars)");
  }

  public static ApiException offsetMoved(String name, long length) {
    return ApiException.preconditionFailed("output '" + name + "' holds " + length + " characters, not the offset given");
  }
}
