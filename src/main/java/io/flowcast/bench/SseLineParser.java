package io.flowcast.bench;

import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;

/**
 * Parses a {@code text/event-stream} incrementally, as the EventSource specification does: lines end with
 * LF, CR or CRLF (even split across chunks), {@code data} lines join with LF, a blank line dispatches an
 * event that has data, the last event id persists, lines starting with a colon are comments; {@code retry}
 * values are reported as sent. Lines are split on bytes, so a multi-byte character split across chunks is
 * decoded whole. One parser per connection, used on that connection's event loop. The bench and the
 * tests' SSE client share it.
 */
public final class SseLineParser {
  static final int MAX_LINE_BYTES = 1 << 20;

  /** What the parser reports. */
  public interface Listener {
    void event(String id, String type, String data);

    default void comment() {
    }

    /** A {@code retry} field, as sent (the bench ignores it; a test checks what the server advertised). */
    default void retry(String value) {
    }
  }

  private final Listener listener;
  private byte[] line = new byte[512];
  private int length;
  private boolean afterCr;
  private String lastId;
  private String type;
  private final StringBuilder data = new StringBuilder();
  private boolean hasData;

  public SseLineParser(Listener listener) {
    this.listener = listener;
  }

  public void feed(Buffer chunk) {
    feed(chunk.getBytes());
  }

  public void feed(byte[] bytes) {
    for (byte b : bytes) {
      if (afterCr) {
        afterCr = false;
        if (b == '\n') {
          continue;
        }
      }
      if (b == '\n' || b == '\r') {
        afterCr = b == '\r';
        line(new String(line, 0, length, StandardCharsets.UTF_8));
        length = 0;
      } else {
        append(b);
      }
    }
  }

  private void append(byte b) {
    if (length == line.length) {
      if (length >= MAX_LINE_BYTES) {
        throw new IllegalStateException("an SSE line longer than " + MAX_LINE_BYTES + " bytes");
      }
      line = java.util.Arrays.copyOf(line, Math.min(MAX_LINE_BYTES, length * 2));
    }
    line[length++] = b;
  }

  private void line(String text) {
    if (text.isEmpty()) {
      if (hasData) {
        listener.event(lastId, type == null ? "message" : type, data.toString());
      }
      type = null;
      data.setLength(0);
      hasData = false;
      return;
    }
    if (text.charAt(0) == ':') {
      listener.comment();
      return;
    }
    int colon = text.indexOf(':');
    String field = colon < 0 ? text : text.substring(0, colon);
    String value = colon < 0 ? "" : text.substring(colon + 1);
    if (value.startsWith(" ")) {
      value = value.substring(1);
    }
    switch (field) {
      case "id" -> {
        if (value.indexOf('\0') < 0) {
          lastId = value;
        }
      }
      case "event" -> type = value;
      case "retry" -> listener.retry(value);
      case "data" -> {
        if (hasData) {
          data.append('\n');
        }
        data.append(value);
        hasData = true;
      }
      default -> {
      }
    }
  }
}
