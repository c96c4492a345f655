package io.flowcast.bench;

/** A run that cannot go on (the target refuses setup, nothing could connect); the message says why. */
final class BenchException extends RuntimeException {
  BenchException(String message) {
    super(message);
  }
}
