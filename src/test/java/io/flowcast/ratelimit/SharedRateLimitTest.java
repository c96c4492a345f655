package io.flowcast.ratelimit;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two instances on one Redis take from one quota per subject (and per client address on the token
 * endpoint). Quotas: a burst of 5, then one request per 30 s, so within a test that lasts a few
 * seconds the burst is all there is, with a margin of the whole interval.
 */
class SharedRateLimitTest {
  private static final int BURST = 5;
  private static final long INTERVAL_SECONDS = 30;
  @RegisterExtension
  static final StartedServer a = StartedServer.with(TestServer.onRedis().mergeIn(Limits.on(BURST)));
  @RegisterExtension
  static final StartedServer b = StartedServer.with(TestServer.onRedis().mergeIn(Limits.on(BURST)));
  private static final ExecutorService pool = Executors.newFixedThreadPool(8);

  @AfterAll
  static void stopPool() {
    pool.shutdownNow();
  }

  @Test
  void bothInstancesTogetherAdmitNoMoreThanOneQuota() throws Exception {
    String token = a.token("alice", Limits.tenant(), TestServer.RW);
    List<Future<StartedServer>> answers = new ArrayList<>();
    long started = System.nanoTime();
    for (int i = 0; i < 40; i++) {
      StartedServer server = i % 2 == 0 ? a : b;
      String id = "wf-" + i;
      answers.add(pool.submit(() -> {
        int status = server.api().post("/api/v1/workflows", token, new JsonObject().put("id", id)).statusCode();
        assertThat(status).isIn(201, 429);
        return status == 201 ? server : null;
      }));
    }
    int admitted = 0;
    for (Future<StartedServer> answer : answers) {
      admitted += answer.get(30, TimeUnit.SECONDS) == null ? 0 : 1;
    }
    long elapsedSeconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started) + 1;
    // GCRA: any stretch of time admits at most burst + its length in intervals; each instance alone
    // would have admitted a burst of its own (10 in all)
    assertThat(admitted).isBetween(BURST, BURST + (int) Math.ceil((double) elapsedSeconds / INTERVAL_SECONDS));
    assertThat(admitted).isLessThan(2 * BURST);
  }

  @Test
  void admittedAndRefusedAnswersCarryTheRateLimitFields() {
    String token = a.token("alice", Limits.tenant(), TestServer.RW);
    HttpResponse<Buffer> first = a.api().post("/api/v1/workflows", token, new JsonObject().put("id", "one"));
    assertThat(first.statusCode()).isEqualTo(201);
    assertThat(first.getHeader("RateLimit-Policy")).isEqualTo("\"write\";q=5;w=150");
    assertThat(first.getHeader("RateLimit")).isEqualTo("\"write\";r=4;t=30");
    HttpResponse<Buffer> second = b.api().post("/api/v1/workflows", token, new JsonObject().put("id", "two"));
    assertThat(second.getHeader("RateLimit")).as("the other instance counts on").isEqualTo("\"write\";r=3;t=60");
    for (int i = 3; i <= BURST; i++) {
      assertThat(a.api().post("/api/v1/workflows", token, new JsonObject().put("id", "w" + i)).statusCode())
          .isEqualTo(201);
    }
    long retryAfter = Limits.refused(b.api().post("/api/v1/workflows", token, new JsonObject().put("id", "no")),
        "write", INTERVAL_SECONDS);
    long again = Limits.refused(a.api().delete("/api/v1/workflows/one", token), "write", INTERVAL_SECONDS);
    assertThat(again).as("the same moment, seen later").isLessThanOrEqualTo(retryAfter);
    HttpResponse<Buffer> missing = b.api().get("/api/v1/workflows/missing", token);
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(missing.getHeader("RateLimit")).as("admitted, then not found").isEqualTo("\"read\";r=4;t=30");
  }

  @Test
  void readsWritesAndStreamOpensHaveQuotasOfTheirOwn() {
    String token = a.token("alice", Limits.tenant(), TestServer.RW);
    String path = "/api/v1/workflows/wf";
    a.api().create(token, new JsonObject().put("id", "wf"));
    for (int i = 1; i < BURST; i++) {
      b.api().patch(path, token, new JsonObject().put("state", new JsonObject().put("i", i)), null);
    }
    Limits.refused(a.api().post(path + "/events", token, new JsonObject().put("type", "x")), "write", INTERVAL_SECONDS);

    HttpResponse<Buffer> read = b.api().get(path, token);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(read.getHeader("RateLimit-Policy")).isEqualTo("\"read\";q=5;w=150");
    assertThat(Limits.item(read.getHeader("RateLimit"), "read")[0]).isEqualTo(4);
    try (SseClient stream = a.stream(path + "/stream", token, null)) {
      assertThat(stream.status()).isEqualTo(200);
      assertThat(stream.response().getHeader("RateLimit-Policy"))
          .isEqualTo("\"stream\";q=5;w=150, \"streams\";q=1000;qu=\"concurrent-requests\"");
      assertThat(Limits.item(stream.response().getHeader("RateLimit"), "stream")[0]).isEqualTo(4);
      assertThat(Limits.item(stream.response().getHeader("RateLimit"), "streams")[0]).isEqualTo(999);
    }
    for (int i = 1; i < BURST; i++) {
      assertThat(a.api().get(path + "/events", token).statusCode()).isEqualTo(200);
    }
    Limits.refused(b.api().get("/api/v1/workflows", token), "read", INTERVAL_SECONDS);
    for (int i = 1; i < BURST; i++) {
      try (SseClient stream = (i % 2 == 0 ? a : b).stream(path + "/stream", token, null)) {
        assertThat(stream.status()).as("stream opens are not reads").isEqualTo(200);
      }
    }
    try (SseClient refused = a.stream(path + "/stream", token, null)) {
      assertThat(refused.status()).isEqualTo(429);
      long[] item = Limits.item(refused.response().getHeader("RateLimit"), "stream");
      assertThat(item[0]).isZero();
      assertThat(refused.response().getHeader("Retry-After")).isEqualTo(Long.toString(item[1]));
    }
  }

  @Test
  void theTokenEndpointIsLimitedPerClientAddressOnEveryInstance() {
    WebClient client = fromAddressOfItsOwn();
    WebClient other = fromAddressOfItsOwn();
    try {
      for (int i = 0; i < BURST; i++) {
        HttpResponse<Buffer> answer = tokenRequest(client, i % 2 == 0 ? a : b);
        assertThat(answer.statusCode()).as("wrong password, but not rate limited").isNotEqualTo(429);
        assertThat(Limits.item(answer.getHeader("RateLimit"), "token")[0]).isEqualTo(BURST - 1 - i);
      }
      Limits.refused(tokenRequest(client, b), "token", INTERVAL_SECONDS);
      Limits.refused(tokenRequest(client, a), "token", INTERVAL_SECONDS);
      HttpResponse<Buffer> elsewhere = tokenRequest(other, a);
      assertThat(elsewhere.statusCode()).as("another address has a quota of its own").isNotEqualTo(429);
      assertThat(Limits.item(elsewhere.getHeader("RateLimit"), "token")[0]).isEqualTo(BURST - 1);
    } finally {
      client.close();
      other.close();
    }
  }

  /** A client on a loopback address of its own (all of 127/8 is loopback), so no other test or run shares its quota. */
  private static WebClient fromAddressOfItsOwn() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    String address = "127." + random.nextInt(1, 255) + "." + random.nextInt(1, 255) + "." + random.nextInt(2, 255);
    return WebClient.create(a.vertx(), new WebClientOptions().setLocalAddress(address));
  }

  private static HttpResponse<Buffer> tokenRequest(WebClient client, StartedServer server) {
    MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", "password").add("username", "nobody")
        .add("password", "guess");
    return client.post(server.port(), "127.0.0.1", "/api/v1/auth/token").sendForm(form).await();
  }
}
