package io.flowcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;

import java.nio.ByteBuffer;
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

  /**
   * {@code frame} as one HTTP/1.1 chunk (RFC 9112, 7.1): its length in hex, CRLF, the frame, CRLF. Chunks
   * written one after another are still a valid chunked body, so held frames need no framing of their
   * own. {@code shared}: the chunk of an event that every stream of a verticle writes, in a direct buffer
   * (a socket write takes it without copying it to one first) that the garbage collector frees, so that
   * the many references handed to Netty need no owner to release the last one; otherwise a heap buffer
   * for one stream. Never empty frames: an empty chunk ends the body.
   */
  static ByteBuf chunk(Buffer frame, boolean shared) {
    ByteBuf content = ((BufferInternal) frame).getByteBuf();
    int length = content.readableBytes();
    byte[] head = (Integer.toHexString(length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
    int size = head.length + length + 2;
    ByteBuf chunk = shared ? Unpooled.wrappedBuffer(ByteBuffer.allocateDirect(size)).clear() : Unpooled.buffer(size);
    return chunk.writeBytes(head).writeBytes(content, content.readerIndex(), length).writeByte('\r').writeByte('\n');
  }
}
