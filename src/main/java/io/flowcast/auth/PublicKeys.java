package io.flowcast.auth;

import io.flowcast.config.ConfigException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** An immutable set of an identity provider's public keys (RS256 and ES256), by key id. */
final class PublicKeys {
  static final PublicKeys NONE = new PublicKeys(Map.of());
  private static final Logger log = LoggerFactory.getLogger(PublicKeys.class);
  private static final int MAX_JWKS_KEYS = 100;

  private final Map<String, JsonObject> byKid;

  private PublicKeys(Map<String, JsonObject> byKid) {
    this.byKid = Map.copyOf(byKid);
  }

  /** {@code jwt.public_keys}: key id to PEM; a key that cannot be used stops the start. */
  static PublicKeys fromConfig(JsonObject kidToPem) {
    Map<String, JsonObject> keys = new LinkedHashMap<>();
    for (Map.Entry<String, Object> entry : kidToPem) {
      if (entry.getKey().isEmpty() || !(entry.getValue() instanceof String pem)) {
        throw new ConfigException("jwt.public_keys", "expected {\"<kid>\": \"<PEM public key>\", ...}");
      }
      try {
        keys.put(entry.getKey(), JwkCodec.fromPem(entry.getKey(), pem));
      } catch (IllegalArgumentException e) {
        throw new ConfigException("jwt.public_keys", "key '" + entry.getKey() + "': " + e.getMessage());
      }
    }
    return new PublicKeys(keys);
  }

  /** A JWKS document; keys that are not RS256 or ES256 signing keys with a kid are skipped. */
  static PublicKeys fromJwks(JsonObject jwks) {
    if (!(jwks.getValue("keys") instanceof JsonArray array)) {
      throw new IllegalArgumentException("the document has no 'keys' array");
    }
    Map<String, JsonObject> keys = new LinkedHashMap<>();
    for (Object entry : array) {
      if (keys.size() == MAX_JWKS_KEYS) {
        log.warn("JWKS holds more than {} keys; the rest are ignored", MAX_JWKS_KEYS);
        break;
      }
      try {
        if (!(entry instanceof JsonObject jwk)) {
          throw new IllegalArgumentException("not a JSON object");
        }
        JsonObject key = JwkCodec.fromJwk(jwk);
        keys.putIfAbsent(key.getString("kid"), key);
      } catch (IllegalArgumentException e) {
        log.info("JWKS key skipped: {}", e.getMessage());
      }
    }
    return new PublicKeys(keys);
  }

  /** These keys and those of {@code other} whose key ids are not taken here. */
  PublicKeys plus(PublicKeys other) {
    Map<String, JsonObject> keys = new LinkedHashMap<>(other.byKid);
    keys.putAll(byKid);
    return new PublicKeys(keys);
  }

  /** The algorithm of the key {@code kid}, or null when there is no such key. */
  String algorithm(String kid) {
    JsonObject key = byKid.get(kid);
    return key == null ? null : key.getString("alg");
  }

  boolean hasAlgorithm(String alg) {
    return byKid.values().stream().anyMatch(key -> alg.equals(key.getString("alg")));
  }

  boolean isEmpty() {
    return byKid.isEmpty();
  }

  int size() {
    return byKid.size();
  }

  List<JsonObject> jwks() {
    return byKid.values().stream().map(JsonObject::copy).toList();
  }
}
