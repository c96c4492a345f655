package io.flowcast.flush;

/**
 * A buffered entry's workflow snapshot is not JSON (it is parsed only when written, so this surfaces in
 * the flush transaction): the entry is set aside like one PostgreSQL refuses, never retried forever.
 */
final class MalformedSnapshot extends RuntimeException {
  MalformedSnapshot(String message, Throwable cause) {
    super(message, cause);
  }
}
