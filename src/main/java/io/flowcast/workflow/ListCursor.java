package io.flowcast.workflow;

import io.flowcast.bus.ApiException;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The position after the last workflow of a listing page. Listings are ordered newest first, then by id
 * descending (the order of a Redis sorted set read in reverse), so every backend pages the same way.
 */
public record ListCursor(long createdMillis, String id) {

  public String encode() {
    String raw = createdMillis + "/" + id;
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw.getBytes(StandardCharsets.UTF_8));
  }

  public static ListCursor decode(String cursor) {
    try {
      String raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
      int slash = raw.indexOf('/');
      String id = raw.substring(slash + 1);
      if (!Ids.valid(id)) {
        throw new IllegalArgumentException();
      }
      return new ListCursor(Long.parseLong(raw.substring(0, slash)), id);
    } catch (RuntimeException e) {
      throw ApiException.badRequest("cursor is not one this server issued");
    }
  }

  /** True when a workflow created at {@code millis} with {@code workflowId} comes after this cursor. */
  public boolean before(long millis, String workflowId) {
    return millis < createdMillis || (millis == createdMillis && workflowId.compareTo(id) < 0);
  }
}
