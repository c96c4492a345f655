package io.flowcast.auth;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The sessions ({@code sid}) whose access tokens are refused, with the epoch second each entry ends
 * (when the session's last access token expires). Shared by the HTTP verticles of an instance, filled
 * from the store at start and from revocation announcements after.
 */
public final class RevokedSessions {
  private final Map<String, Long> until = new ConcurrentHashMap<>();

  public void add(String sid, long untilEpochSecond) {
    until.merge(sid, untilEpochSecond, Math::max);
  }

  public void addAll(Map<String, Long> entries) {
    entries.forEach(this::add);
  }

  public boolean revoked(String sid) {
    if (sid == null) {
      return false;
    }
    Long end = until.get(sid);
    if (end == null) {
      return false;
    }
    if (end < System.currentTimeMillis() / 1000) {
      until.remove(sid, end);
      return false;
    }
    return true;
  }
}
