package io.flowcast.ratelimit;

import io.flowcast.config.TrustedProxies;
import io.netty.util.NetUtil;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SocketAddress;

/**
 * The address of the client behind a request, for the per-address limits and the logs. Behind a load
 * balancer the TCP peer is the balancer; when the peer is a trusted proxy, the client is the right-most
 * address of {@code X-Forwarded-For} that is not itself a trusted proxy (addresses to its left were
 * written by the client and prove nothing). With no trusted proxies the header is ignored.
 */
public final class ClientAddresses {
  static final String FORWARDED_FOR = "X-Forwarded-For";

  private final TrustedProxies trusted;

  public ClientAddresses(TrustedProxies trusted) {
    this.trusted = trusted;
  }

  public String of(HttpServerRequest request) {
    SocketAddress remote = request.remoteAddress();
    String peer = remote == null ? "unknown" : remote.hostAddress();
    if (!trusted.contains(peer)) {
      return peer;
    }
    // several header lines are one list, in order (RFC 9110, section 5.3)
    String[] hops = String.join(",", request.headers().getAll(FORWARDED_FOR)).split(",");
    String client = peer;
    for (int i = hops.length - 1; i >= 0 && trusted.contains(client); i--) {
      String hop = hops[i].trim();
      if (NetUtil.createByteArrayFromIpAddressString(hop) == null) {
        break; // not an address: the nearest trusted hop is all that is known
      }
      client = hop;
    }
    return client;
  }
}
