package io.flowcast.config;

import io.netty.util.NetUtil;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The proxies whose {@code X-Forwarded-For} is believed ({@code http.trusted_proxies}): IP addresses and
 * CIDR blocks, comma-separated, literals only (a host name would need a DNS lookup per request, and DNS
 * is not a trust anchor). Empty trusts nobody: the client is the TCP peer.
 */
public final class TrustedProxies {
  private static final TrustedProxies NONE = new TrustedProxies(List.of());

  private record Block(byte[] network, int prefixBits) {
    boolean contains(byte[] address) {
      if (address.length != network.length) {
        return false;
      }
      int whole = prefixBits / 8;
      for (int i = 0; i < whole; i++) {
        if (address[i] != network[i]) {
          return false;
        }
      }
      int rest = prefixBits % 8;
      if (rest == 0) {
        return true;
      }
      int mask = 0xff << (8 - rest) & 0xff;
      return (address[whole] & mask) == (network[whole] & mask);
    }
  }

  private final List<Block> blocks;

  private TrustedProxies(List<Block> blocks) {
    this.blocks = blocks;
  }

  public static TrustedProxies none() {
    return NONE;
  }

  /** Parses {@code "10.0.0.0/8, 127.0.0.1, ::1"}; fails naming the entry that is not an address or block. */
  public static TrustedProxies parse(String spec) {
    List<Block> blocks = new ArrayList<>();
    for (String entry : spec.split(",")) {
      String item = entry.trim();
      if (item.isEmpty()) {
        continue;
      }
      int slash = item.indexOf('/');
      byte[] network = NetUtil.createByteArrayFromIpAddressString(slash < 0 ? item : item.substring(0, slash));
      if (network == null) {
        throw new IllegalArgumentException("'" + item + "' is not an IP address or CIDR block");
      }
      int bits = network.length * 8;
      if (slash >= 0) {
        try {
          bits = Integer.parseInt(item.substring(slash + 1));
        } catch (NumberFormatException e) {
          bits = -1;
        }
        if (bits < 0 || bits > network.length * 8) {
          throw new IllegalArgumentException("'" + item + "' has a prefix length outside 0-" + network.length * 8);
        }
      }
      blocks.add(new Block(network, bits));
    }
    return blocks.isEmpty() ? NONE : new TrustedProxies(List.copyOf(blocks));
  }

  public boolean isEmpty() {
    return blocks.isEmpty();
  }

  /** Whether {@code address} (an IP literal) is one of the trusted proxies; false for anything else. */
  public boolean contains(String address) {
    if (blocks.isEmpty() || address == null) {
      return false;
    }
    byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address.trim());
    if (bytes == null) {
      return false;
    }
    if (ipv4Mapped(bytes)) {
      bytes = Arrays.copyOfRange(bytes, 12, 16);
    }
    for (Block block : blocks) {
      if (block.contains(bytes)) {
        return true;
      }
    }
    return false;
  }

  /** {@code ::ffff:a.b.c.d}, as a dual-stack socket reports an IPv4 peer. */
  private static boolean ipv4Mapped(byte[] bytes) {
    if (bytes.length != 16 || bytes[10] != (byte) 0xff || bytes[11] != (byte) 0xff) {
      return false;
    }
    for (int i = 0; i < 10; i++) {
      if (bytes[i] != 0) {
        return false;
      }
    }
    return true;
  }
}
