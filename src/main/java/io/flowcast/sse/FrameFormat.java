package io.flowcast.sse;

import io.flowcast.bus.Addresses;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * How an event reaches a client: named or unnamed SSE events, or a {@code message} frame of the event-bus
 * bridge (docs/EVENTBUS.md) over TCP (4-byte length, then the JSON) or as one WebSocket text message.
 * The registry encodes each live event once per format in use and shares that frame.
 */
public enum FrameFormat {
  /** Named SSE events, the default: {@code event: <type>}. */
  SSE_EVENT,
  /** Unnamed SSE events ({@code ?format=message}): the type inside the data. */
  SSE_MESSAGE,
  /** Bridge frames with their 4-byte big-endian length. */
  BRIDGE_TCP,
  /** Bridge frames, one per WebSocket text message. */
  BRIDGE_WEBSOCKET;

  /**
   * The frame of one event of workflow {@code workflowId} at position {@code id} (null: none);
   * {@code json} already carries the type unless this is a named SSE event.
   */
  public Buffer encode(String workflowId, String id, String type, String json) {
    return switch (this) {
      case SSE_EVENT -> SseFrames.event(id, type, json);
      case SSE_MESSAGE -> SseFrames.message(id, json);
      case BRIDGE_TCP, BRIDGE_WEBSOCKET -> bridgeMessage(Addresses.EVENTS_PREFIX + workflowId, id, json,
          this == BRIDGE_TCP);
    };
  }

  /** Whether the JSON written must carry the event's type (every format but named SSE events). */
  boolean typedData() {
    return this != SSE_EVENT;
  }

  /**
   * {@code {"type":"message","address":...,"headers":{"id":...},"body":<json>}}, the bridge's frame of a
   * delivered message. The address and id are identifiers (no character JSON would escape), the body is
   * already JSON: the frame is put together as text, without parsing the event again.
   */
  static Buffer bridgeMessage(String address, String id, String json, boolean lengthPrefixed) {
    StringBuilder frame = new StringBuilder(json.length() + address.length() + 96)
        .append("{\"type\":\"message\",\"address\":\"").append(address).append('"');
    if (id != null) {
      frame.append(",\"headers\":{\"id\":\"").append(id).append("\"}");
    }
    frame.append(",\"body\":").append(json).append('}');
    byte[] bytes = frame.toString().getBytes(StandardCharsets.UTF_8);
    Buffer buffer = Buffer.buffer(bytes.length + 4);
    if (lengthPrefixed) {
      buffer.appendInt(bytes.length);
    }
    return buffer.appendBytes(bytes);
  }
}
