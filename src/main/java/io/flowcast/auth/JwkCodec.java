package io.flowcast.auth;

import io.vertx.core.json.JsonObject;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Arrays;
import java.util.Base64;

/**
 * Turns a PEM public key, or a JWK as an identity provider publishes it, into the one JWK form the verifier
 * is built from: {@code kid}, {@code alg} and the key, nothing else. Only RS256 (RSA of at least 2048 bits)
 * and ES256 (EC P-256) keys pass; anything else, including symmetric keys, is refused with
 * {@link IllegalArgumentException}, so an outside key can never become an HMAC secret.
 */
final class JwkCodec {
  private static final int MIN_RSA_BITS = 2048;
  private static final ECParameterSpec P256 = p256();
  private static final Base64.Encoder B64URL = Base64.getUrlEncoder().withoutPadding();

  private JwkCodec() {
  }

  /** A PEM {@code PUBLIC KEY} (SubjectPublicKeyInfo) or {@code CERTIFICATE}. */
  static JsonObject fromPem(String kid, String pem) {
    try {
      String base64 = pem.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
      byte[] der = Base64.getDecoder().decode(base64);
      if (pem.contains("BEGIN CERTIFICATE")) {
        return toJwk(kid, CertificateFactory.getInstance("X.509")
            .generateCertificate(new ByteArrayInputStream(der)).getPublicKey());
      }
      if (!pem.contains("BEGIN PUBLIC KEY")) {
        throw new IllegalArgumentException("expected -----BEGIN PUBLIC KEY----- or -----BEGIN CERTIFICATE-----");
      }
      X509EncodedKeySpec spec = new X509EncodedKeySpec(der);
      try {
        return toJwk(kid, KeyFactory.getInstance("RSA").generatePublic(spec));
      } catch (GeneralSecurityException notRsa) {
        return toJwk(kid, KeyFactory.getInstance("EC").generatePublic(spec));
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("not a readable RSA or EC public key");
    }
  }

  /** A JWK from a JWKS document. */
  static JsonObject fromJwk(JsonObject jwk) {
    Object kid = jwk.getValue("kid");
    if (!(kid instanceof String id) || id.isEmpty()) {
      throw new IllegalArgumentException("no kid");
    }
    Object use = jwk.getValue("use");
    if (use != null && !"sig".equals(use)) {
      throw new IllegalArgumentException("use is not sig");
    }
    Object kty = jwk.getValue("kty");
    Object alg = jwk.getValue("alg");
    try {
      if ("RSA".equals(kty) && (alg == null || "RS256".equals(alg))) {
        return toJwk(id, KeyFactory.getInstance("RSA").generatePublic(
            new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e"))));
      }
      if ("EC".equals(kty) && "P-256".equals(jwk.getValue("crv")) && (alg == null || "ES256".equals(alg))) {
        return toJwk(id, KeyFactory.getInstance("EC").generatePublic(
            new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")), P256)));
      }
    } catch (GeneralSecurityException | ClassCastException e) {
      throw new IllegalArgumentException("unreadable " + kty + " key");
    }
    throw new IllegalArgumentException("kty " + kty + " with alg " + alg + " is not RS256 or ES256");
  }

  private static JsonObject toJwk(String kid, PublicKey key) {
    JsonObject jwk = new JsonObject().put("kid", kid).put("use", "sig");
    if (key instanceof RSAPublicKey rsa) {
      if (rsa.getModulus().bitLength() < MIN_RSA_BITS) {
        throw new IllegalArgumentException("RSA keys need at least " + MIN_RSA_BITS + " bits");
      }
      return jwk.put("kty", "RSA").put("alg", "RS256")
          .put("n", b64(rsa.getModulus(), 0)).put("e", b64(rsa.getPublicExponent(), 0));
    }
    if (key instanceof ECPublicKey ec && sameCurve(ec.getParams())) {
      return jwk.put("kty", "EC").put("alg", "ES256").put("crv", "P-256")
          .put("x", b64(ec.getW().getAffineX(), 32)).put("y", b64(ec.getW().getAffineY(), 32));
    }
    throw new IllegalArgumentException("only RSA and EC P-256 keys are accepted");
  }

  private static boolean sameCurve(ECParameterSpec params) {
    return params.getCurve().equals(P256.getCurve()) && params.getOrder().equals(P256.getOrder())
        && params.getGenerator().equals(P256.getGenerator());
  }

  private static BigInteger unsigned(JsonObject jwk, String member) {
    Object value = jwk.getValue(member);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw new IllegalArgumentException("missing " + member);
    }
    return new BigInteger(1, Base64.getUrlDecoder().decode(s));
  }

  /** Big-endian unsigned bytes, left-padded to {@code length} when it is not 0 (EC coordinates). */
  private static String b64(BigInteger value, int length) {
    byte[] bytes = value.toByteArray();
    if (bytes.length > 1 && bytes[0] == 0) {
      bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
    }
    if (length > bytes.length) {
      byte[] padded = new byte[length];
      System.arraycopy(bytes, 0, padded, length - bytes.length, bytes.length);
      bytes = padded;
    }
    return B64URL.encodeToString(bytes);
  }

  private static ECParameterSpec p256() {
    try {
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp256r1"));
      return parameters.getParameterSpec(ECParameterSpec.class);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM has no EC P-256", e);
    }
  }
}
