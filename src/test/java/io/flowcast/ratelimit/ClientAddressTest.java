package io.flowcast.ratelimit;

import io.flowcast.config.ConfigException;
import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.config.TrustedProxies;
import io.flowcast.testsupport.StartedServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Behind a trusted proxy the token-endpoint limit counts per client, the address the proxy appended to
 * {@code X-Forwarded-For}; without one the header counts for nothing. (Through a real nginx:
 * NginxLoadBalancerTest.)
 */
class ClientAddressTest {
  private static final int BURST = 2;

  @RegisterExtension
  static final StartedServer behindProxy = StartedServer.with(Limits.on(BURST).put("http.trusted_proxies", "127.0.0.1, 10.0.0.0/8"));

  @RegisterExtension
  static final StartedServer exposed = StartedServer.with(Limits.on(BURST));

  @Test
  void behindATrustedProxyEachForwardedClientHasItsOwnQuota() {
    String first = "203.0.113." + (1 + (int) (Math.random() * 250));
    for (int i = 0; i < BURST; i++) {
      assertThat(token(behindProxy, first).statusCode()).isNotEqualTo(429);
    }
    assertThat(token(behindProxy, first).statusCode()).isEqualTo(429);
    assertThat(token(behindProxy, "198.51.100.9, " + first).statusCode())
        .as("what the client wrote left of the proxy's entry changes nothing").isEqualTo(429);
    assertThat(token(behindProxy, first + ", 10.1.2.3").statusCode())
        .as("a chain of trusted proxies is walked to the client").isEqualTo(429);
    assertThat(token(behindProxy, "2001:db8::" + Integer.toHexString(1 + (int) (Math.random() * 60000))).statusCode())
        .as("another client").isNotEqualTo(429);
  }

  @Test
  void withNoTrustedProxyTheHeaderIsIgnored() {
    for (int i = 0; i < BURST; i++) {
      token(exposed, "192.0.2." + i);
    }
    assertThat(token(exposed, "192.0.2.200").statusCode())
        .as("forged X-Forwarded-For values share the one quota of the peer").isEqualTo(429);
  }

  @Test
  void trustedProxiesAreAddressesAndBlocks() {
    TrustedProxies trusted = TrustedProxies.parse(" 10.0.0.0/8 , 192.168.1.7, fd00::/8");
    assertThat(trusted.contains("10.200.3.4")).isTrue();
    assertThat(trusted.contains("11.0.0.1")).isFalse();
    assertThat(trusted.contains("192.168.1.7")).isTrue();
    assertThat(trusted.contains("192.168.1.8")).isFalse();
    assertThat(trusted.contains("::ffff:10.1.1.1")).as("an IPv4 peer on a dual-stack socket").isTrue();
    assertThat(trusted.contains("fd12::1")).isTrue();
    assertThat(trusted.contains("fe80::1")).isFalse();
    assertThat(trusted.contains("proxy.internal")).isFalse();
    assertThat(TrustedProxies.parse("").isEmpty()).isTrue();
  }

  @Test
  void aBadTrustedProxyStopsTheStartNamingTheKey() {
    for (String bad : new String[] {"proxy.internal", "10.0.0.0/33", "10.0.0.0/x", "::1/129"}) {
      assertThatThrownBy(() -> FlowcastConfig.from(ConfigLoader.load(new JsonObject(),
          Map.of("FLOWCAST_HTTP_TRUSTED_PROXIES", bad))))
          .isInstanceOf(ConfigException.class).hasMessageContaining("http.trusted_proxies")
          .hasMessageContaining(bad);
    }
  }

  private static HttpResponse<Buffer> token(StartedServer server, String forwardedFor) {
    return server.api().send(HttpMethod.POST, "/api/v1/auth/token", null,
        new JsonObject().put("grant_type", "password").put("username", "nobody").put("password", "guess").toBuffer(),
        "application/json", MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", forwardedFor));
  }
}
