package io.flowcast.config;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The public development secret and accounts are refused anywhere but on a loopback address. */
class DevelopmentDefaultsTest {

  private static FlowcastConfig load(Map<String, String> env) {
    return FlowcastConfig.from(ConfigLoader.load(new JsonObject(), env));
  }

  @Test
  void developmentDefaultsAreFineOnLoopback() {
    assertThat(load(Map.of()).httpHost()).isEqualTo("127.0.0.1");
  }

  @Test
  void developmentAccountMayOperateTheDeploymentAndTheDevelopmentClientMayNot() {
    FlowcastConfig config = load(Map.of());
    JsonObject alice = config.accounts().getJsonObject(0);
    assertThat(alice.getString("username")).isEqualTo("alice");
    assertThat(alice.getString("scope").split(" "))
        .containsExactlyInAnyOrder("workflows:read", "workflows:write", "flowcast:admin");
    assertThat(config.clients().getJsonObject(0).getString("scope").split(" "))
        .containsExactlyInAnyOrder("workflows:read", "workflows:write");
  }

  @Test
  void publicListenerWithTheDevelopmentSecretDoesNotStart() {
    assertThatThrownBy(() -> load(Map.of("FLOWCAST_HTTP_HOST", "0.0.0.0")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("jwt.secret").hasMessageContaining("FLOWCAST_JWT_SECRET");
  }

  @Test
  void publicListenerWithTheDevelopmentAccountsDoesNotStart() {
    assertThatThrownBy(() -> load(Map.of("FLOWCAST_HTTP_HOST", "0.0.0.0",
        "FLOWCAST_JWT_SECRET", "a-production-secret-of-enough-length-0123456789")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.accounts");
  }

  @Test
  void publicListenerWithOwnSecretAndAccountsStarts() {
    FlowcastConfig config = load(Map.of("FLOWCAST_HTTP_HOST", "0.0.0.0",
        "FLOWCAST_JWT_SECRET", "a-production-secret-of-enough-length-0123456789",
        "FLOWCAST_AUTH_ACCOUNTS", "[]", "FLOWCAST_AUTH_CLIENTS", "[]"));
    assertThat(config.accounts()).isEqualTo(new JsonArray());
  }
}
