package io.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import io.flowcast.config.ConfigException;
import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Map;

/** External keys that cannot be used stop the start, naming the setting. */
class ExternalKeyConfigTest {
  private static Vertx vertx;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void pemKeysOfRsaAndEcP256AreAccepted() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(2048);
    JsonObject keys = new JsonObject().put("r", pem(rsa.generateKeyPair().getPublic()))
        .put("e", pem(new ECKeyGenerator(Curve.P_256).generate().toPublicKey()));
    PublicKeys parsed = PublicKeys.fromConfig(keys);
    assertThat(parsed.algorithm("r")).isEqualTo("RS256");
    assertThat(parsed.algorithm("e")).isEqualTo("ES256");
  }

  @Test
  void unusablePemKeysAreRefused() throws Exception {
    KeyPairGenerator small = KeyPairGenerator.getInstance("RSA");
    small.initialize(1024);
    assertRefused("jwt.public_keys", new JsonObject().put("jwt.public_keys", new JsonObject().put("k", "nonsense")));
    assertRefused("jwt.public_keys", new JsonObject().put("jwt.public_keys",
        new JsonObject().put("k", pem(small.generateKeyPair().getPublic()))));
    assertRefused("jwt.public_keys", new JsonObject().put("jwt.public_keys",
        new JsonObject().put("k", pem(new ECKeyGenerator(Curve.P_384).generate().toPublicKey()))));
    assertRefused("jwt.public_keys", new JsonObject().put("jwt.public_keys", new JsonObject().put("k", 5)));
  }

  @Test
  void jwksUrlMustBeHttp() {
    assertRefused("jwt.jwks_url", new JsonObject().put("jwt.jwks_url", "file:///etc/keys.json"));
    assertRefused("jwt.jwks_url", new JsonObject().put("jwt.jwks_url", "not a url"));
  }

  @Test
  void externalKeysNeedIssuerAndAudience() {
    JsonObject jwks = new JsonObject().put("jwt.jwks_url", "https://idp.example/jwks");
    assertRefused("jwt.audience", jwks.copy().put("jwt.audience", ""));
    assertRefused("jwt.issuer", jwks.copy().put("jwt.issuer", ""));
  }

  private static void assertRefused(String key, JsonObject overrides) {
    FlowcastConfig config = FlowcastConfig.from(ConfigLoader.load(overrides, Map.of()));
    assertThatThrownBy(() -> JwtSupport.provider(vertx, config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("'" + key + "'");
  }

  private static String pem(PublicKey key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder().encodeToString(key.getEncoded())
        + "\n-----END PUBLIC KEY-----\n";
  }
}
