package io.flowcast.http;

import io.flowcast.bus.ApiException;
import io.vertx.core.buffer.Buffer;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

/**
 * The {@code Idempotency-Key} header (IETF draft "The Idempotency-Key HTTP Header Field"): one Structured
 * Field string (RFC 8941, section 3.3.3) of 1 to 255 characters, e.g. {@code "8e03978e-40d5-43e8-bc93-6894a57f9324"};
 * and the fingerprint of the request it came with.
 */
final class IdempotencyKey {
  static final String HEADER = "Idempotency-Key";
  static final int MAX_LENGTH = 255;

  private IdempotencyKey() {
  }

  /** The key of the header's values (none: null); anything but one valid sf-string is a 400. */
  static String parse(List<String> values) {
    if (values.isEmpty()) {
      return null;
    }
    if (values.size() > 1) {
      throw ApiException.badRequest("send one Idempotency-Key header, not " + values.size());
    }
    String field = values.get(0).strip();
    if (field.length() < 2 || field.charAt(0) != '"' || field.charAt(field.length() - 1) != '"') {
      throw invalid();
    }
    StringBuilder key = new StringBuilder();
    for (int i = 1; i < field.length() - 1; i++) {
      char c = field.charAt(i);
      if (c == '\\') {
        char next = ++i < field.length() - 1 ? field.charAt(i) : 0;
        if (next != '"' && next != '\\') {
          throw invalid();
        }
        key.append(next);
      } else if (c == '"' || c < 0x20 || c > 0x7e) {
        throw invalid();
      } else {
        key.append(c);
      }
    }
    if (key.isEmpty() || key.length() > MAX_LENGTH) {
      throw ApiException.badRequest("the Idempotency-Key must hold 1 to " + MAX_LENGTH + " characters");
    }
    return key.toString();
  }

  private static ApiException invalid() {
    return ApiException.badRequest("the Idempotency-Key must be a quoted string of printable ASCII "
        + "(RFC 8941), e.g. Idempotency-Key: \"8e03978e-40d5-43e8-bc93-6894a57f9324\"");
  }

  /**
   * What makes two requests with one key the same request: method, path, Content-Type, If-Match and the
   * body's bytes, hashed (SHA-256, base64url).
   */
  static String fingerprint(String method, String path, String contentType, String ifMatch, Buffer body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : new String[] {method, path, contentType, ifMatch}) {
        sha.update((part == null ? "" : part).getBytes(StandardCharsets.UTF_8));
        sha.update((byte) 0);
      }
      if (body != null) {
        sha.update(body.getBytes());
      }
      return Base64.getUrlEncoder().withoutPadding().encodeToString(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The id of a workflow created without one under this key: the same for every retry, so a retry can find
   * (on Redis: in the same slot) the record of the first, and can never create a second workflow.
   */
  static String workflowId(String tenant, String subject, String key) {
    String name = "idempotency\n" + tenant + "\n" + subject + "\n" + key;
    return "wf-" + UUID.nameUUIDFromBytes(name.getBytes(StandardCharsets.UTF_8));
  }
}
