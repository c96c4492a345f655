package io.flowcast.presence;

import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Ids;

/** What a presence status and a lease holder may be: identifiers (docs/API.md, "Identifiers"), or absent. */
public final class PresenceRules {
  private PresenceRules() {
  }

  /** A status (null or empty: none), e.g. {@code typing}; anything but an identifier is a 400. */
  public static String status(Object value) {
    if (value == null || "".equals(value)) {
      return null;
    }
    if (!(value instanceof String s) || !Ids.valid(s)) {
      throw ApiException.badRequest("a presence status must be " + Ids.rule() + " (e.g. typing), or absent");
    }
    return s;
  }

  /** The lease's holder: a stream's own id, or (absent) the subject's {@link Presence#API_HOLDER}. */
  public static String holder(Object value) {
    if (value == null) {
      return Presence.API_HOLDER;
    }
    if (!(value instanceof String s) || !Ids.valid(s)) {
      throw ApiException.badRequest("holder must be " + Ids.rule());
    }
    return s;
  }
}
