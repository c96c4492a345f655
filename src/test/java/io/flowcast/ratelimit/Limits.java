package io.flowcast.ratelimit;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;

import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** Config and header helpers of the rate-limit tests. */
final class Limits {
  private static final Pattern ITEM = Pattern.compile("\"([a-z]+)\";r=(\\d+)(?:;t=(\\d+))?");

  private Limits() {
  }

  /**
   * Rate limits on, with quotas small and slow enough that no test lasts long enough for them to refill
   * noticeably: {@code burst} at once, then one request per 30 s.
   */
  static JsonObject on(int burst) {
    JsonObject config = new JsonObject().put("ratelimit.enabled", true);
    for (String policy : new String[] {"read", "write", "stream", "token"}) {
      config.put("ratelimit." + policy + "_per_minute", 2).put("ratelimit." + policy + "_burst", burst);
    }
    return config.put("ratelimit.max_streams_per_subject", 1000);
  }

  static String tenant() {
    return "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** The {@code r} and {@code t} of one policy's item in a {@code RateLimit} field ({@code t} -1 when absent). */
  static long[] item(String field, String policy) {
    assertThat(field).as("RateLimit field").isNotNull();
    Matcher m = ITEM.matcher(field);
    while (m.find()) {
      if (m.group(1).equals(policy)) {
        return new long[] {Long.parseLong(m.group(2)), m.group(3) == null ? -1 : Long.parseLong(m.group(3))};
      }
    }
    throw new AssertionError("no item for '" + policy + "' in RateLimit: " + field);
  }

  /** A 429 with problem details, {@code Retry-After} and a consistent {@code RateLimit} item; returns Retry-After. */
  static long refused(HttpResponse<Buffer> response, String policy, long maxRetryAfter) {
    assertThat(response.statusCode()).isEqualTo(429);
    assertThat(response.getHeader("Content-Type")).isEqualTo("application/problem+json");
    JsonObject problem = response.bodyAsJsonObject();
    assertThat(problem.getInteger("status")).isEqualTo(429);
    assertThat(problem.getString("type")).isEqualTo("urn:flowcast:problem:too-many-requests");
    long retryAfter = Long.parseLong(response.getHeader("Retry-After"));
    assertThat(retryAfter).isBetween(1L, maxRetryAfter);
    long[] item = item(response.getHeader("RateLimit"), policy);
    assertThat(item[0]).as("r").isZero();
    assertThat(item[1]).as("t is the moment Retry-After names").isEqualTo(retryAfter);
    assertThat(response.getHeader("RateLimit-Policy")).contains("\"" + policy + "\";q=");
    return retryAfter;
  }
}
