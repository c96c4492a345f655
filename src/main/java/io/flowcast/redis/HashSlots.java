package io.flowcast.redis;

import java.nio.charset.StandardCharsets;

/**
 * Redis Cluster's hash slot of a key or shard channel: CRC16 (XMODEM) of its hash tag (the text between the
 * first '{' and the next '}', when not empty) or of the whole name, modulo 16384. The pub/sub side uses it to
 * send SSUBSCRIBE to the node that owns the channel's slot.
 */
final class HashSlots {
  static final int SLOTS = 16384;

  private HashSlots() {
  }

  static int of(String key) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    int start = 0;
    int end = bytes.length;
    int open = key.indexOf('{');
    if (open >= 0) {
      int close = key.indexOf('}', open + 1);
      if (close > open + 1) {
        // the tag's byte range: the text before it may hold multi-byte characters
        start = key.substring(0, open + 1).getBytes(StandardCharsets.UTF_8).length;
        end = start + key.substring(open + 1, close).getBytes(StandardCharsets.UTF_8).length;
      }
    }
    return crc16(bytes, start, end) % SLOTS;
  }

  private static int crc16(byte[] bytes, int start, int end) {
    int crc = 0;
    for (int i = start; i < end; i++) {
      crc ^= (bytes[i] & 0xff) << 8;
      for (int bit = 0; bit < 8; bit++) {
        crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
        crc &= 0xffff;
      }
    }
    return crc;
  }
}
