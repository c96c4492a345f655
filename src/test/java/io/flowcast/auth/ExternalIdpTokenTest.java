package io.flowcast.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer.OrderAnnotation;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Tokens of an external identity provider, minted with nimbus-jose-jwt (independent of the server's JOSE
 * code), against three servers: one with PEM keys from config (leeway 30 s), one with a JWKS served by this
 * test (leeway 0 s), and one with a JWKS it has not fetched yet. The JWKS endpoint counts its requests, which
 * is how caching and refresh-on-unknown-kid are proven.
 */
@TestMethodOrder(OrderAnnotation.class)
class ExternalIdpTokenTest {
  private static final String LIST = "/api/v1/workflows";
  private static final String TENANT = "idp";

  private static RSAKey rsa1;
  private static RSAKey rsa2;
  private static ECKey ec1;
  private static RSAKey attacker;
  private static OctetSequenceKey oct;
  private static Vertx idp;
  private static final Map<String, String> documents = new ConcurrentHashMap<>();
  private static final Map<String, AtomicInteger> hits = new ConcurrentHashMap<>();
  private static TestServer pem;
  private static TestServer jwks;
  private static TestServer cold;

  @BeforeAll
  static void start() throws Exception {
    rsa1 = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    rsa2 = new RSAKeyGenerator(2048).keyID("rsa-2").generate();
    ec1 = new ECKeyGenerator(Curve.P_256).keyID("ec-1").generate();
    attacker = new RSAKeyGenerator(2048).keyID("rsa-1").generate();
    oct = new OctetSequenceKeyGenerator(256).keyID("oct-1").algorithm(JWSAlgorithm.HS256).generate();

    idp = Vertx.vertx();
    publish("/a", rsa1.toPublicJWK(), ec1.toPublicJWK(), oct);
    publish("/b", rsa1.toPublicJWK());
    int idpPort = idp.createHttpServer().requestHandler(request -> {
      hits.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
      String document = documents.get(request.path());
      request.response().setStatusCode(document == null ? 404 : 200)
          .putHeader("Content-Type", "application/json").end(document == null ? "" : document);
    }).listen(0, "127.0.0.1").await().actualPort();
    String base = "http://127.0.0.1:" + idpPort;

    pem = TestServer.start(new JsonObject().put("jwt.public_keys", new JsonObject()
        .put("rsa-1", pem(rsa1)).put("ec-1", pem(ec1))));
    jwks = TestServer.start(new JsonObject().put("jwt.jwks_url", base + "/a").put("http.instances", 1)
        .put("jwt.leeway_seconds", 0).put("jwt.jwks_cache_seconds", 300));
    cold = TestServer.start(new JsonObject().put("jwt.jwks_url", base + "/b").put("http.instances", 1));
  }

  @AfterAll
  static void stop() {
    for (AutoCloseable closeable : new AutoCloseable[] {pem, jwks, cold}) {
      if (closeable != null) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // best effort
        }
      }
    }
    if (idp != null) {
      idp.close().await();
    }
  }

  // --- PEM keys from config

  @Test
  @Order(1)
  void rs256AndEs256FromConfiguredPemKeysAreAccepted() {
    assertAccepted(pem, signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> { }));
    assertAccepted(pem, signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> { }));
  }

  @Test
  @Order(1)
  void hs256WithTheConfiguredSecretKeepsWorking() {
    assertAccepted(pem, pem.token("local", TENANT, TestServer.RW));
    assertAccepted(pem, hs256(pem, c -> { }));
    assertAccepted(jwks, hs256(jwks, c -> { }));
  }

  @Test
  @Order(1)
  void rs256WithoutKidIsCheckedAgainstTheRsaKeys() {
    assertAccepted(pem, signed(JWSAlgorithm.RS256, null, rsa1, c -> { }));
    assertRejected(pem, signed(JWSAlgorithm.RS256, null, attacker, c -> { }), "signature");
  }

  @Test
  @Order(1)
  void claimsOfAnExternalTokenMakeTheCaller() {
    String writer = signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> c.subject("ext-writer"));
    HttpResponse<Buffer> created = pem.api().post(LIST, writer, new JsonObject().put("id", "wf-idp"));
    assertThat(created.statusCode()).as(created.bodyAsString()).isEqualTo(201);
    String reader = signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> c.claim("scope", "workflows:read"));
    assertThat(pem.api().get(LIST + "/wf-idp", reader).statusCode()).as("same tenant").isEqualTo(200);
    String otherTenant = signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> c.claim("tenant", "elsewhere"));
    assertThat(pem.api().get(LIST + "/wf-idp", otherTenant).statusCode()).as("other tenant").isEqualTo(404);
    String readOnly = signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> c.claim("scope", "workflows:read"));
    assertThat(pem.api().delete(LIST + "/wf-idp", readOnly).statusCode()).as("scope").isEqualTo(403);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("forgedTokens")
  @Order(1)
  void forgedOrInvalidTokenIsRejected(String name, Supplier<String> token, String reason) {
    assertRejected(pem, token.get(), reason);
  }

  static Stream<Arguments> forgedTokens() {
    return Stream.of(
        row("wrongSignature", () -> signed(JWSAlgorithm.RS256, "rsa-1", attacker, c -> { }), "signature"),
        row("wrongAudience", () -> signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> c.audience("other-api")),
            "wrong audience"),
        row("noAudience", () -> signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> c.audience((String) null)),
            "wrong audience"),
        row("wrongIssuer", () -> signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> c.issuer("https://evil.example")),
            "wrong issuer"),
        row("expiredBeyondLeeway", () -> signed(JWSAlgorithm.RS256, "rsa-1", rsa1,
            c -> c.expirationTime(secondsFromNow(-120))), "expired"),
        row("nbfInTheFutureBeyondLeeway", () -> signed(JWSAlgorithm.ES256, "ec-1", ec1,
            c -> c.notBeforeTime(secondsFromNow(120))), "not valid yet"),
        row("withoutExp", () -> signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> c.expirationTime(null)), "exp"),
        row("algNone", () -> new PlainJWT(claims(pem, c -> { })).serialize(), "not a signed JWT"),
        row("algNoneWithKidAndSignature", () -> raw("{\"alg\":\"none\",\"kid\":\"rsa-1\"}", claims(pem, c -> { }),
            "c2lnbmF0dXJl"), "algorithm not accepted"),
        row("hs256SignedWithRsaPublicKeyPem", () -> signed(JWSAlgorithm.HS256, "rsa-1",
            macSigner(pem(rsa1).getBytes(StandardCharsets.US_ASCII)), claims(pem, c -> { })),
            "signature"),
        row("hs256SignedWithRsaPublicKeyDer", () -> signed(JWSAlgorithm.HS256, "rsa-1",
            macSigner(der(rsa1)), claims(pem, c -> { })), "signature"),
        row("es256HeaderOnRsaKey", () -> signed(JWSAlgorithm.ES256, "rsa-1", ec1, c -> { }),
            "algorithm does not match"),
        row("rs256HeaderOnEcKey", () -> signed(JWSAlgorithm.RS256, "ec-1", rsa1, c -> { }),
            "algorithm does not match"),
        row("rs512SignatureByAnRs256Key", () -> signed(JWSAlgorithm.RS512, "rsa-1", rsa1, c -> { }),
            "algorithm not accepted"),
        row("es256AllZeroSignature", () -> raw("{\"alg\":\"ES256\",\"kid\":\"ec-1\"}", claims(pem, c -> { }),
            Base64URL.encode(new byte[64]).toString()), "signature"),
        row("unknownKidSignedWithAKnownKey", () -> signed(JWSAlgorithm.RS256, "ghost", rsa1, c -> { }),
            "unknown signing key"),
        row("ownKeyEmbeddedInHeader", () -> embeddedJwk(), "signature"),
        row("unknownCriticalHeader", () -> criticalHeader(), "critical"));
  }

  @Test
  @Order(1)
  void leewayOf30SecondsAcceptsATokenExpired10SecondsAgo() {
    assertAccepted(pem, signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> c.expirationTime(secondsFromNow(-10))));
    assertAccepted(pem, signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> c.notBeforeTime(secondsFromNow(10))));
    assertAccepted(pem, hs256(pem, c -> c.expirationTime(secondsFromNow(-10))));
  }

  @Test
  @Order(5)
  void leewayOfZeroRejectsATokenExpired10SecondsAgo() {
    assertRejected(jwks, signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> c.expirationTime(secondsFromNow(-10))),
        "expired");
    assertRejected(jwks, signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> c.notBeforeTime(secondsFromNow(10))),
        "not valid yet");
    assertRejected(jwks, hs256(jwks, c -> c.expirationTime(secondsFromNow(-10))), "expired");
  }

  // --- JWKS served by the test (ordered: the hit counts build on each other)

  @Test
  @Order(2)
  void jwksIsFetchedWhenFirstNeededAndThenCached() {
    assertAccepted(jwks, hs256(jwks, c -> { }));
    assertThat(hits("/a")).as("not fetched before a token needs it; HS256 tokens never do").isZero();
    for (int i = 0; i < 3; i++) {
      assertAccepted(jwks, signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> { }));
      assertAccepted(jwks, signed(JWSAlgorithm.ES256, "ec-1", ec1, c -> { }));
    }
    assertThat(hits("/a")).as("one fetch for all of them").isEqualTo(1);
  }

  @Test
  @Order(3)
  void keyRotatedInUnderANewKidIsFoundByOneRefresh() {
    publish("/a", rsa1.toPublicJWK(), ec1.toPublicJWK(), oct, rsa2.toPublicJWK());
    assertAccepted(jwks, signed(JWSAlgorithm.RS256, "rsa-2", rsa2, c -> { }));
    assertThat(hits("/a")).as("refetched once for the new kid").isEqualTo(2);
    assertAccepted(jwks, signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> { }));
    assertAccepted(jwks, signed(JWSAlgorithm.RS256, "rsa-2", rsa2, c -> { }));
    assertThat(hits("/a")).isEqualTo(2);
  }

  @Test
  @Order(4)
  void unknownKidsDoNotRefetchMoreThanOncePer30Seconds() {
    for (int i = 0; i < 5; i++) {
      assertRejected(jwks, signed(JWSAlgorithm.RS256, "ghost-" + i, attacker, c -> { }), "unknown signing key");
    }
    assertThat(hits("/a")).as("the refresh for rsa-2 was less than 30 s ago").isEqualTo(2);
  }

  @Test
  @Order(5)
  void symmetricKeyPublishedInTheJwksIsNeverUsed() {
    assertRejected(jwks, signed(JWSAlgorithm.HS256, "oct-1", macSigner(oct.toByteArray()), claims(jwks, c -> { })),
        "signature");
    assertRejected(jwks, signed(JWSAlgorithm.HS256, "rsa-1",
        macSigner(pem(rsa1).getBytes(StandardCharsets.US_ASCII)), claims(jwks, c -> { })), "signature");
    assertRejected(jwks, signed(JWSAlgorithm.ES256, "rsa-1", ec1, c -> { }), "algorithm does not match");
  }

  @Test
  @Order(6)
  void unknownKidIsRejectedAfterOneRefresh() {
    assertRejected(cold, signed(JWSAlgorithm.RS256, "ghost", attacker, c -> { }), "unknown signing key");
    assertThat(hits("/b")).as("first fetch, then one refresh for the unknown kid").isEqualTo(2);
    assertRejected(cold, signed(JWSAlgorithm.RS256, "ghost", attacker, c -> { }), "unknown signing key");
    assertAccepted(cold, signed(JWSAlgorithm.RS256, "rsa-1", rsa1, c -> { }));
    assertThat(hits("/b")).isEqualTo(2);
  }

  // --- helpers

  private static void assertAccepted(TestServer server, String token) {
    HttpResponse<Buffer> response = server.api().get(LIST, token);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
  }

  private static void assertRejected(TestServer server, String token, String reason) {
    HttpResponse<Buffer> response = server.api().get(LIST, token);
    String body = response.bodyAsString();
    assertThat(response.statusCode()).as(body).isEqualTo(401);
    assertThat(response.getHeader("Content-Type")).startsWith("application/problem+json");
    assertThat(response.getHeader("WWW-Authenticate")).startsWith("Bearer");
    assertThat(new JsonObject(body).getString("detail")).contains(reason);
    assertThat(body).as("never echoes a token").doesNotContain("eyJ");
  }

  private static Arguments row(String name, Supplier<String> token, String reason) {
    return Arguments.of(name, token, reason);
  }

  private static int hits(String path) {
    return hits.computeIfAbsent(path, p -> new AtomicInteger()).get();
  }

  private static void publish(String path, JWK... keys) {
    documents.put(path, new JWKSet(List.of(keys)).toString(false));
  }

  private static String pem(JWK key) {
    return "-----BEGIN PUBLIC KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
        .encodeToString(der(key)) + "\n-----END PUBLIC KEY-----\n";
  }

  /** The SubjectPublicKeyInfo bytes of an RSA or EC key. */
  private static byte[] der(JWK key) {
    try {
      Key publicKey = key instanceof RSAKey rsa ? rsa.toPublicKey() : ((ECKey) key).toPublicKey();
      return publicKey.getEncoded();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static Date secondsFromNow(long seconds) {
    return new Date(System.currentTimeMillis() + seconds * 1000);
  }

  private static JWTClaimsSet claims(TestServer server, Consumer<JWTClaimsSet.Builder> tweak) {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
        .subject("ext-user")
        .issuer(server.config().jwtIssuer())
        .audience(server.config().jwtAudience())
        .issueTime(secondsFromNow(0))
        .expirationTime(secondsFromNow(600))
        .claim("tenant", TENANT)
        .claim("scope", TestServer.RW);
    tweak.accept(builder);
    return builder.build();
  }

  private static String signed(JWSAlgorithm alg, String kid, JWK key, Consumer<JWTClaimsSet.Builder> tweak) {
    try {
      JWSSigner signer = key instanceof RSAKey rsa ? new RSASSASigner(rsa) : new ECDSASigner((ECKey) key);
      return signed(alg, kid, signer, claims(pem, tweak));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String signed(JWSAlgorithm alg, String kid, JWSSigner signer, JWTClaimsSet claims) {
    return sign(new JWSHeader.Builder(alg).type(JOSEObjectType.JWT).keyID(kid).build(), signer, claims);
  }

  private static String sign(JWSHeader header, JWSSigner signer, JWTClaimsSet claims) {
    try {
      SignedJWT jwt = new SignedJWT(header, claims);
      jwt.sign(signer);
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String hs256(TestServer server, Consumer<JWTClaimsSet.Builder> tweak) {
    return signed(JWSAlgorithm.HS256, null, macSigner(server.config().jwtSecret().getBytes(StandardCharsets.UTF_8)),
        claims(server, tweak));
  }

  private static JWSSigner macSigner(byte[] key) {
    try {
      return new MACSigner(key);
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A token whose header and signature segment are given as they are (for what nimbus will not produce). */
  private static String raw(String header, JWTClaimsSet claims, String signature) {
    return Base64URL.encode(header) + "." + Base64URL.encode(claims.toString()) + "." + signature;
  }

  /** Signed with the attacker's key, which the header carries as {@code jwk} for a naive verifier to trust. */
  private static String embeddedJwk() {
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).jwk(attacker.toPublicJWK()).build();
      return sign(header, new RSASSASigner(attacker), claims(pem, c -> { }));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Correctly signed, but marks a header parameter the server does not understand as critical. */
  private static String criticalHeader() {
    try {
      JWSHeader header = new JWSHeader.Builder(JWSAlgorithm.RS256).keyID("rsa-1")
          .customParam("x-flowcast-unknown", 1).criticalParams(Set.of("x-flowcast-unknown")).build();
      return sign(header, new RSASSASigner(rsa1), claims(pem, c -> { }));
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
