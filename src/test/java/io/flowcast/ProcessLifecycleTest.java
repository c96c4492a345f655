package io.flowcast;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** Flowcast as a separate JVM: the token subcommand, and a clean end of streams on SIGTERM. */
class ProcessLifecycleTest {
  private Vertx vertx;
  private Process server;
  private Path log;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void tearDown() throws Exception {
    if (server != null && server.isAlive()) {
      server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    vertx.close().await();
  }

  private static ProcessBuilder java(String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new java.util.ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  private int startServer() throws Exception {
    int port = TestServer.freePort();
    log = Files.createTempFile("flowcast-process", ".log");
    ProcessBuilder builder = java().redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("FLOWCAST_HTTP_PORT", String.valueOf(port));
    server = builder.start();
    WebClient client = WebClient.create(vertx);
    try {
      Eventually.until("the server answering /health", Duration.ofSeconds(30), () -> {
        try {
          return client.get(port, "127.0.0.1", "/health").send().await().statusCode() == 200;
        } catch (Exception notYet) { // not listening yet
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError("server did not start: " + Files.readString(log), e);
    }
    return port;
  }

  private static String mintWithSubcommand() throws IOException, InterruptedException {
    Process token = java("token", "--sub", "alice", "--tenant", "acme", "--scope", "workflows:read workflows:write")
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String out = new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
    assertThat(token.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(token.exitValue()).isZero();
    return out;
  }

  @Test
  void tokenSubcommandMintsATokenTheServerAccepts() throws Exception {
    int port = startServer();
    String token = mintWithSubcommand();
    assertThat(token.split("\\.")).hasSize(3);
    WebClient client = WebClient.create(vertx);
    var created = client.post(port, "127.0.0.1", "/api/v1/workflows").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("id", "wf-cli")).await();
    assertThat(created.statusCode()).isEqualTo(201);
    assertThat(created.bodyAsJsonObject().getString("tenant")).isEqualTo("acme");
  }

  @Test
  void tokenSubcommandWithoutSubjectFailsWithUsage() throws Exception {
    Process token = java("token", "--tenant", "acme").redirectErrorStream(true).start();
    String out = new String(token.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(token.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(token.exitValue()).isEqualTo(2);
    assertThat(out).contains("--sub");
  }

  @Test
  void helpListsTheSubcommands() throws Exception {
    Process help = java("--help").redirectErrorStream(true).start();
    String out = new String(help.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(help.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(help.exitValue()).isZero();
    assertThat(out).contains("flowcast.jar token --sub").contains("flowcast.jar bench <write|fanout|idle|cold-start>")
        .contains("FLOWCAST_");
  }

  @Test
  void aMisspelledVariableIsWarnedAboutWithTheClosestSetting() throws Exception {
    ProcessBuilder builder = java().redirectErrorStream(true);
    builder.environment().put("FLOWCAST_HTTP_PORT", "0");
    builder.environment().put("FLOWCAST_SSE_HEARTBEAT_MSS", "500");
    log = Files.createTempFile("flowcast-process", ".log");
    server = builder.redirectOutput(log.toFile()).start();
    Eventually.until("the warning in the log", Duration.ofSeconds(30), () -> Files.readString(log)
        .contains("FLOWCAST_SSE_HEARTBEAT_MSS names no setting and is ignored; did you mean FLOWCAST_SSE_HEARTBEAT_MS?"));
  }

  @Test
  void invalidConfigurationFailsTheStartNamingTheSetting() throws Exception {
    ProcessBuilder builder = java().redirectErrorStream(true);
    builder.environment().put("FLOWCAST_HTTP_PORT", "not-a-port");
    Process bad = builder.start();
    String out = new String(bad.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bad.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(bad.exitValue()).isNotZero();
    assertThat(out).contains("http.port").contains("FLOWCAST_HTTP_PORT");
  }

  @Test
  void sigtermEndsOpenStreamsCleanlyAndExits() throws Exception {
    int port = startServer();
    String token = mintWithSubcommand();
    WebClient client = WebClient.create(vertx);
    client.post(port, "127.0.0.1", "/api/v1/workflows").putHeader("Authorization", "Bearer " + token)
        .sendJsonObject(new JsonObject().put("id", "wf-term")).await();

    HttpClient http = vertx.createHttpClient();
    CompletableFuture<String> ending = new CompletableFuture<>();
    StringBuilder received = new StringBuilder();
    http.request(new RequestOptions().setMethod(HttpMethod.GET).setHost("127.0.0.1").setPort(port)
            .setURI("/api/v1/workflows/wf-term/stream").addHeader("Authorization", "Bearer " + token))
        .compose(req -> req.send())
        .onSuccess(response -> {
          response.handler(chunk -> {
            synchronized (received) {
              received.append(chunk.toString(StandardCharsets.UTF_8));
            }
          });
          response.endHandler(v -> ending.complete("ended"));
          response.exceptionHandler(e -> ending.complete("error: " + e));
        });
    Eventually.await("the snapshot on the stream", Duration.ofSeconds(10), () -> {
      synchronized (received) {
        return received.toString();
      }
    }, text -> text.contains("event: snapshot"));

    server.destroy(); // SIGTERM
    assertThat(ending.get(15, TimeUnit.SECONDS)).as("the stream ended with a clean end of chunked body")
        .isEqualTo("ended");
    assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Files.readString(log)).contains("stopping the HTTP side");
    assertThat(new File(log.toString()).delete()).isTrue();
  }
}
