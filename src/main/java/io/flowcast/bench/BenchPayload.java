package io.flowcast.bench;

/**
 * What the bench publishes and reads back. Each event carries the publisher's {@code System.nanoTime()}
 * as {@code t} (publisher and subscribers share one process, so one clock). In generic mode the body also
 * carries the bench's own per-workflow {@code seq}; on Flowcast the event's server-assigned {@code seq}
 * is used. Reading scans for the two fields instead of parsing the JSON: the subscriber side runs once
 * per delivery and shares the CPU with the server.
 */
final class BenchPayload {
  static final String EVENT_TYPE = "bench.tick";

  private BenchPayload() {
  }

  /** A Flowcast publish-event body: {@code {"type":"bench.tick","data":{"t":..}}}. */
  static String flowcastEvent(long sentNanos, String pad) {
    return "{\"type\":\"" + EVENT_TYPE + "\",\"data\":{\"t\":" + sentNanos + pad(pad) + "}}";
  }

  /** A Flowcast merge patch that makes a new version: {@code {"state":{"t":..}}}. */
  static String flowcastPatch(long sentNanos, String pad) {
    return "{\"state\":{\"t\":" + sentNanos + pad(pad) + "}}";
  }

  /** A generic-mode body, published raw: {@code {"seq":..,"t":..}}. */
  static String generic(long seq, long sentNanos, String pad) {
    return "{\"seq\":" + seq + ",\"t\":" + sentNanos + pad(pad) + "}";
  }

  static String padding(int bytes) {
    return "x".repeat(bytes);
  }

  private static String pad(String pad) {
    return pad.isEmpty() ? "" : ",\"pad\":\"" + pad + "\"";
  }

  /** The first top-level-looking {@code "seq"} number, or {@link Long#MIN_VALUE} when there is none. */
  static long seq(String json) {
    return number(json, "\"seq\":");
  }

  /** The first {@code "version"} number (a tenant feed entry, a workflow), or {@link Long#MIN_VALUE}. */
  static long version(String json) {
    return number(json, "\"version\":");
  }

  /** The send time {@code t}, or {@link Long#MIN_VALUE} when there is none. */
  static long sentNanos(String json) {
    return number(json, "\"t\":");
  }

  /** The first number after {@code key} (e.g. {@code "n":}), or {@link Long#MIN_VALUE}. */
  static long number(String json, String key) {
    int at = json.indexOf(key);
    if (at < 0) {
      return Long.MIN_VALUE;
    }
    int i = at + key.length();
    while (i < json.length() && json.charAt(i) == ' ') {
      i++;
    }
    boolean negative = i < json.length() && json.charAt(i) == '-';
    if (negative) {
      i++;
    }
    long value = 0;
    int digits = 0;
    for (; i < json.length() && Character.isDigit(json.charAt(i)) && digits < 19; i++, digits++) {
      value = value * 10 + (json.charAt(i) - '0');
    }
    return digits == 0 ? Long.MIN_VALUE : negative ? -value : value;
  }
}
