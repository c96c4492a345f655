package io.flowcast.sse;

import io.flowcast.bus.EventDelivery;
import io.vertx.core.json.JsonObject;

/**
 * An {@code output.delta} as streams need it: which output, where its chunk begins and how long it is (UTF-16
 * code units), read once per instance however many streams receive it.
 */
record OutputDelta(String name, long offset, long length, String json) {

  /** The delta of an ephemeral delivery, or null for anything else (an unknown ephemeral frame is dropped). */
  static OutputDelta of(EventDelivery event) {
    try {
      JsonObject delta = new JsonObject(event.json());
      String name = delta.getString("name");
      Long offset = delta.getLong("offset");
      String text = delta.getString("text");
      return name == null || offset == null || text == null ? null
          : new OutputDelta(name, offset, text.length(), event.json());
    } catch (RuntimeException e) {
      return null;
    }
  }
}
