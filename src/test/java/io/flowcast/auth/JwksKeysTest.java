package io.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** Fetching a JWKS that fails, is broken or is too large: no failure escapes, and known keys are kept. */
class JwksKeysTest {
  private static final Map<String, String> documents = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private static Vertx vertx;
  private static String base;

  @BeforeAll
  static void start() throws Exception {
    RSAKey rsa = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    String good = new JWKSet(rsa.toPublicJWK()).toString();
    documents.put("/good", good);
    documents.put("/switch", good);
    documents.put("/garbage", "this is not JSON");
    documents.put("/no-keys", "{\"keys\":\"none\"}");
    documents.put("/huge", "{\"keys\":[], \"pad\":\"" + "x".repeat(2 << 20) + "\"}");
    vertx = Vertx.vertx();
    int port = vertx.createHttpServer().requestHandler(request -> {
      hits.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
      String document = documents.get(request.path());
      request.response().setStatusCode(document == null ? 500 : 200).end(document == null ? "down" : document);
    }).listen(0, "127.0.0.1").await().actualPort();
    base = "http://127.0.0.1:" + port;
  }

  @AfterAll
  static void stop() {
    vertx.close().await();
  }

  @Test
  void failedRefreshKeepsTheKeysAlreadyKnown() {
    JwksKeys keys = new JwksKeys(vertx, base + "/switch", 300, PublicKeys.NONE);
    assertThat(keys.current().await().algorithm("rsa-1")).isEqualTo("RS256");
    documents.remove("/switch");
    assertThat(keys.refreshForUnknownKid().await().algorithm("rsa-1")).as("kept").isEqualTo("RS256");
    assertThat(hits.get("/switch").get()).isEqualTo(2);
  }

  @Test
  void unusableDocumentsGiveNoKeysAndAreNotRefetchedAtOnce() {
    for (String path : new String[] {"/down", "/garbage", "/no-keys", "/huge"}) {
      JwksKeys keys = new JwksKeys(vertx, base + path, 300, PublicKeys.NONE);
      assertThat(keys.current().await().isEmpty()).as(path).isTrue();
      assertThat(keys.current().await().isEmpty()).as(path).isTrue();
      assertThat(hits.get(path).get()).as("%s: retried only after %d ms", path, JwksKeys.RETRY_AFTER_FAILURE_MS)
          .isEqualTo(1);
    }
  }

  @Test
  void unreachableProviderGivesTheConfiguredKeys() {
    PublicKeys configured = PublicKeys.fromJwks(new JsonObject(documents.get("/good")));
    JwksKeys keys = new JwksKeys(vertx, "http://127.0.0.1:1/jwks", 300, configured);
    assertThat(keys.current().await().algorithm("rsa-1")).isEqualTo("RS256");
  }

  @Test
  void configuredKeyWinsOverAJwksKeyWithTheSameKid() throws Exception {
    String ecPem = "-----BEGIN PUBLIC KEY-----\n" + java.util.Base64.getEncoder().encodeToString(
        new com.nimbusds.jose.jwk.gen.ECKeyGenerator(com.nimbusds.jose.jwk.Curve.P_256).generate()
            .toPublicKey().getEncoded()) + "\n-----END PUBLIC KEY-----";
    PublicKeys configured = PublicKeys.fromConfig(new JsonObject().put("rsa-1", ecPem));
    JwksKeys keys = new JwksKeys(vertx, base + "/good", 300, configured);
    assertThat(keys.current().await().algorithm("rsa-1")).isEqualTo("ES256");
  }
}
