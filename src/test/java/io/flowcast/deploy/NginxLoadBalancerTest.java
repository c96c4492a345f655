package io.flowcast.deploy;

import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.Databases;
import io.flowcast.testsupport.FlowcastProcess;
import io.flowcast.testsupport.NginxProcess;
import io.flowcast.testsupport.ResumingReader;
import io.flowcast.testsupport.TestServer;
import io.flowcast.testsupport.Writers;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three instances on one Redis and one PostgreSQL behind nginx running {@code deploy/nginx/flowcast.conf},
 * every client talking to nginx only: writes spread over the instances, the token-endpoint limit sees the
 * client rather than the balancer, and streams resume through nginx with no gap and no duplicate while
 * one instance is SIGKILLed and another SIGTERMed under writers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NginxLoadBalancerTest {
  private static final String KEY_PREFIX = TestServer.keyPrefix(NginxLoadBalancerTest.class);
  private static final int TOKEN_BURST = 3;

  private final Vertx vertx = Vertx.vertx();
  private final List<FlowcastProcess> instances = new ArrayList<>();
  private NginxProcess nginx;
  private Api api;
  private String token;

  @BeforeAll
  void start() throws Exception {
    try (Databases db = new Databases(vertx, KEY_PREFIX)) {
      db.flushRedis();
    }
    JsonObject config = TestServer.onRedisWithPg(KEY_PREFIX)
        .put("http.trusted_proxies", "127.0.0.1")
        .put("ratelimit.enabled", true)
        .put("ratelimit.token_burst", TOKEN_BURST).put("ratelimit.token_per_minute", 1)
        .put("ratelimit.write_burst", 1_000_000).put("ratelimit.write_per_minute", 10_000_000)
        .put("ratelimit.read_burst", 1_000_000).put("ratelimit.read_per_minute", 10_000_000)
        .put("ratelimit.stream_burst", 1_000_000).put("ratelimit.stream_per_minute", 10_000_000);
    for (int i = 0; i < 3; i++) {
      instances.add(FlowcastProcess.start(vertx, config));
    }
    nginx = NginxProcess.start(instances.stream().map(FlowcastProcess::port).toList());
    api = Api.on(vertx, nginx.port());
    token = TestServer.defaultToken(vertx, "lb-user", "t-" + UUID.randomUUID().toString().substring(0, 8));
  }

  @AfterAll
  void stop() throws Exception {
    if (nginx != null) {
      nginx.close();
    }
    for (FlowcastProcess instance : instances) {
      instance.close();
    }
    vertx.close().await();
  }

  @Test
  @Order(1)
  void writesThroughNginxSpreadOverEveryInstance() throws Exception {
    api.create(token, new JsonObject().put("id", "spread"));
    for (int i = 0; i < 30; i++) {
      assertThat(api.post("/api/v1/workflows/spread/events", token, new JsonObject().put("type", "tick"))
          .statusCode()).isEqualTo(201);
    }
    Set<String> upstreams = nginx.accessLog().stream().filter(line -> line.contains("\"POST /api/v1/workflows/spread/"))
        .map(line -> line.replaceAll(".* upstream=(\\S+) .*", "$1")).collect(Collectors.toSet());
    assertThat(upstreams).as("instances that answered the writes")
        .containsExactlyInAnyOrderElementsOf(instances.stream().map(p -> "127.0.0.1:" + p.port()).toList());
    List<Long> ticks = Writers.history(api, token, "spread").stream()
        .filter(e -> e.getString("type").equals("tick")).map(e -> e.getLong("seq")).toList();
    assertThat(ticks).as("one history, whichever instance wrote").hasSize(30);
    assertThat(ticks.get(29) - ticks.get(0)).isEqualTo(29);
  }

  @Test
  @Order(2)
  void theTokenEndpointLimitCountsPerClientNotPerBalancer() {
    Api first = from("127.0.0.2");
    Api second = from("127.0.0.3");
    JsonObject badLogin = new JsonObject().put("grant_type", "password").put("username", "alice")
        .put("password", "wrong");
    for (int i = 0; i < TOKEN_BURST; i++) {
      assertThat(first.post("/api/v1/auth/token", null, badLogin).statusCode()).isNotEqualTo(429);
    }
    assertThat(first.post("/api/v1/auth/token", null, badLogin).statusCode())
        .as("the first client spent its burst").isEqualTo(429);
    assertThat(first.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/auth/token", null,
        badLogin.toBuffer(), "application/json", MultiMap.caseInsensitiveMultiMap().add("X-Forwarded-For", "198.51.100.7"))
        .statusCode())
        .as("an address the client writes into X-Forwarded-For itself does not give it a new quota").isEqualTo(429);
    assertThat(second.post("/api/v1/auth/token", null, badLogin).statusCode())
        .as("another client behind the same balancer has its own quota").isNotEqualTo(429);
  }

  @Test
  @Order(3)
  void streamsResumeThroughNginxWhenOneInstanceIsKilledAndAnotherTerminated() throws Exception {
    int workflows = 3;
    for (int w = 0; w < workflows; w++) {
      api.create(token, new JsonObject().put("id", "w" + w));
    }
    List<ResumingReader> readers = new ArrayList<>();
    for (int r = 0; r < 2 * workflows; r++) {
      readers.add(ResumingReader.start(vertx, nginx.port(), "/api/v1/workflows/w" + r % workflows + "/stream", token));
    }
    for (ResumingReader reader : readers) {
      reader.awaitOpen();
    }

    Writers writers = Writers.start(List.of(api), token, workflows);
    Thread.sleep(1500);
    instances.get(0).kill();
    Thread.sleep(1500);
    assertThat(instances.get(1).terminate(30)).as("SIGTERM ends the instance").isTrue();
    Thread.sleep(1500);
    Writers.Audit audit = writers.stop().audit(api, token);

    assertThat(audit.acknowledged()).as("writes went on through the faults").isGreaterThan(100);
    assertThat(audit.lost()).as(audit.toString()).isZero();
    assertThat(audit.renumbered()).as(audit.toString()).isZero();
    assertThat(audit.duplicated()).as(audit.toString()).isZero();
    // An instance killed between storing a write and answering it leaves nginx nothing to pass on: the
    // client gets 502 for a write that happened (only an idempotency key makes such a retry safe). That
    // can only be a write in flight on the killed instance, one per writer at most; a 502 from anything
    // else (the terminated instance above all) must mean the write did not happen.
    String killed = "upstream=127.0.0.1:" + instances.get(0).port() + " ";
    List<String> log = nginx.accessLog();
    for (Writers.Refused refused : audit.storedThoughRefused()) {
      String id = "request_id=" + Writers.requestId(refused.workflow(), refused.n()) + " ";
      assertThat(log.stream().filter(line -> line.contains(id)).toList())
          .as("%s answered %s though stored; %s", id, refused.answer(), audit)
          .singleElement().asString().contains(killed);
    }
    assertThat(audit.storedThoughRefused()).as(audit.toString()).hasSizeLessThanOrEqualTo(workflows);

    int resumed = 0;
    for (int r = 0; r < readers.size(); r++) {
      ResumingReader reader = readers.get(r);
      String workflow = "w" + r % workflows;
      Set<String> wanted = writers.acknowledged().stream().filter(a -> a.workflow().equals(workflow))
          .map(Writers.Acknowledged::id).collect(Collectors.toSet());
      reader.awaitIds(wanted, 30);
      reader.stop();
      reader.assertNoGapAndNoDuplicate();
      resumed += reader.reconnects();
    }
    assertThat(resumed).as("streams of the two instances that went away resumed through nginx").isGreaterThan(0);
  }

  private Api from(String localAddress) {
    return Api.of(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(nginx.port()).setLocalAddress(localAddress)));
  }
}
