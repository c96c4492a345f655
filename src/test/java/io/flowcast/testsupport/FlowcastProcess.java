package io.flowcast.testsupport;

import io.flowcast.Main;
import io.vertx.core.Vertx;
import io.vertx.ext.web.client.WebClient;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Flowcast in a JVM of its own (on the test class path), for tests that kill it or send it SIGTERM. */
public final class FlowcastProcess implements AutoCloseable {
  private final Process process;
  private final Path log;
  private final int port;

  private FlowcastProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** The command line of {@code java ... io.flowcast.Main <args>}. */
  public static ProcessBuilder java(String... args) {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
        Main.class.getName()));
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  /** Starts a server with these FLOWCAST_* variables on a free port and waits until it answers /health. */
  public static FlowcastProcess start(Vertx vertx, Map<String, String> env) throws Exception {
    int port = TestServer.freePort();
    Path log = Files.createTempFile("flowcast-process", ".log");
    ProcessBuilder builder = java().redirectErrorStream(true).redirectOutput(log.toFile());
    // like TestServer: limits off unless the test asks (tests write thousands of events per subject)
    builder.environment().put("FLOWCAST_RATELIMIT_ENABLED", "false");
    builder.environment().put("FLOWCAST_STARTUP_WARMUP", "0");
    builder.environment().putAll(env);
    builder.environment().put("FLOWCAST_HTTP_PORT", String.valueOf(port));
    FlowcastProcess started = new FlowcastProcess(builder.start(), log, port);
    started.await(WebClient.create(vertx), "/health");
    return started;
  }

  /**
   * Starts a server on the same configuration a {@link TestServer} would get from {@code config}
   * (e.g. {@link TestServer#onRedisWithPg}), passed as the FLOWCAST_* variable of each key.
   */
  public static FlowcastProcess start(Vertx vertx, io.vertx.core.json.JsonObject config) throws Exception {
    Map<String, String> env = new java.util.HashMap<>();
    config.forEach(e -> env.put(io.flowcast.config.ConfigLoader.envName(e.getKey()), String.valueOf(e.getValue())));
    return start(vertx, env);
  }

  /** Waits until {@code path} answers 200. */
  public void await(WebClient client, String path) throws Exception {
    try {
      Eventually.until(path + " answering 200", Duration.ofSeconds(30), () -> {
        try {
          // a bounded wait per probe: a request caught in a start-up fault must not stall the whole wait
          return client.get(port, "127.0.0.1", path).timeout(2000).send().await().statusCode() == 200;
        } catch (Exception notYet) { // not listening yet
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new AssertionError(path + " never answered 200: " + log(), e);
    }
  }

  public int port() {
    return port;
  }

  public Process process() {
    return process;
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  /** SIGTERM, then waits for the exit. */
  public boolean terminate(long seconds) throws InterruptedException {
    process.destroy();
    return process.waitFor(seconds, TimeUnit.SECONDS);
  }

  /** SIGKILL. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process.isAlive()) {
      kill();
    }
    Files.deleteIfExists(log);
  }
}
