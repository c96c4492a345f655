package io.flowcast.http;

import io.flowcast.bus.ApiException;

/** Parses {@code If-Match: "<version>"} (the ETag of a workflow); {@code *} matches any version. */
final class IfMatch {
  private IfMatch() {
  }

  /** The expected version, or null for no condition. */
  static Long version(String header) {
    if (header == null || header.trim().equals("*")) {
      return null;
    }
    String value = header.trim();
    if (value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"")) {
      value = value.substring(1, value.length() - 1);
    }
    try {
      long version = Long.parseLong(value);
      if (version < 1) {
        throw new NumberFormatException();
      }
      return version;
    } catch (NumberFormatException e) {
      throw ApiException.badRequest("If-Match must be a workflow ETag such as \"3\"");
    }
  }
}
