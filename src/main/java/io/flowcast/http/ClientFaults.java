package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.vertx.core.http.HttpClosedException;

/**
 * Failures that a client's bytes caused while Netty or Vert.x decoded them (a form body that is not
 * valid percent-encoding, a form field over the limit, a broken chunked body), as the 4xx they are.
 * Anything else is the server's own fault and stays a 500.
 */
final class ClientFaults {
  /** Netty's HTTP codec, which reads nothing but what the client sent. */
  private static final String DECODERS = "io.netty.handler.codec.http.";

  private ClientFaults() {
  }

  /** The client hung up before its request was read: there is nobody to answer. */
  static boolean clientGone(Throwable failure) {
    return failure instanceof HttpClosedException;
  }

  /** The 4xx a decoding failure stands for, or null when {@code failure} is not one. */
  static ApiException of(Throwable failure) {
    if (failure == null || !decodedBy(failure)) {
      return null;
    }
    if (failure.getClass().getName().startsWith(DECODERS + "multipart.")
        || inPackage(failure, DECODERS + "multipart.")) {
      return failure instanceof java.io.IOException
          ? new ApiException(413, "a form field is longer than the server accepts")
          : ApiException.badRequest("the body is not valid form encoding (application/x-www-form-urlencoded "
              + "or multipart/form-data)");
    }
    return ApiException.badRequest("the request could not be decoded: " + failure.getMessage());
  }

  private static boolean decodedBy(Throwable failure) {
    return failure.getClass().getName().startsWith(DECODERS) || inPackage(failure, DECODERS);
  }

  /** Whether the failure was thrown from code of {@code prefix} (the first frames tell). */
  private static boolean inPackage(Throwable failure, String prefix) {
    StackTraceElement[] frames = failure.getStackTrace();
    for (int i = 0; i < Math.min(frames.length, 12); i++) {
      if (frames[i].getClassName().startsWith(prefix)) {
        return true;
      }
    }
    return false;
  }
}
