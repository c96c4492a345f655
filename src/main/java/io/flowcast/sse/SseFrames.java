package io.flowcast.sse;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Encodes SSE frames. Ids and types are validated identifiers and data is one line of JSON, so no
 * field can carry a CR or LF and inject another field.
 */
public final class SseFrames {
  public static final Buffer HEARTBEAT = Buffer.buffer(": heartbeat\n\n");

  private SseFrames() {
  }

  public static Buffer event(String id, String type, String json) {
    StringBuilder frame = new StringBuilder(json.length() + 64);
    if (id != null) {
      frame.append("id: ").append(id).append('\n');
    }
    frame.append("event: ").append(type).append('\n').append("data: ").append(json).append("\n\n");
    return Buffer.buffer(frame.toString().getBytes(StandardCharsets.UTF_8));
  }

  /**
   * An unnamed event ({@code ?format=message}): what a plain {@code EventSource.onmessage} receives. Its
   * type travels inside {@code json}, which must already carry it.
   */
  public static Buffer message(String id, String json) {
    StringBuilder frame = new StringBuilder(json.length() + 48);
    if (id != null) {
      frame.append("id: ").append(id).append('\n');
    }
    frame.append("data: ").append(json).append("\n\n");
    return Buffer.buffer(frame.toString().getBytes(StandardCharsets.UTF_8));
  }

  /** {@code json} (an object) with {@code "type"} as its first field. */
  public static String typed(String type, String json) {
    return json.length() <= 2 ? "{\"type\":\"" + type + "\"}" : "{\"type\":\"" + type + "\"," + json.substring(1);
  }

  public static Buffer retry(long millis) {
    return Buffer.buffer("retry: " + millis + "\n\n");
  }
}
