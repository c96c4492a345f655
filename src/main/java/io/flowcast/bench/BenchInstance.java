package io.flowcast.bench;

import io.flowcast.Main;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A Flowcast instance the bench starts as a process of its own ({@code bench cold-start}): on a free
 * port, on the given Redis under a key prefix of the run's own, with rate limits off, its output in a
 * log file. The jar is {@code --jar} or the one the bench runs from (on a class path, as in the tests,
 * {@code io.flowcast.Main} on that class path). Stopped with SIGTERM, so the flusher drains as in a
 * deploy, and by force if it has not exited 60 s later.
 */
final class BenchInstance {
  static final long READY_TIMEOUT_MS = 120_000;
  private static final long READY_POLL_MS = 10;
  private static final long STOP_TIMEOUT_S = 60;

  private final Process process;
  private final Path log;
  private final int port;
  private final long startedNanos;

  private BenchInstance(Process process, Path log, int port, long startedNanos) {
    this.process = process;
    this.log = log;
    this.port = port;
    this.startedNanos = startedNanos;
  }

  /** Starts the instance; {@code env} holds the FLOWCAST_* settings of the run (port and host are added). */
  static BenchInstance start(BenchOptions.ColdStart options, Map<String, String> env, Path log) {
    int port = freePort();
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    command.addAll(options.javaOpts());
    String jar = options.jar() != null ? options.jar() : ownJar();
    if (jar != null) {
      command.addAll(List.of("-jar", jar));
    } else {
      command.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
    }
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    Map<String, String> environment = builder.environment();
    // settings of the caller's own server must not leak into the instance: only the run's apply
    List.of("FLOWCAST_HTTP_PORT", "FLOWCAST_HTTP_HOST", "FLOWCAST_REDIS_URL", "FLOWCAST_REDIS_KEY_PREFIX",
        "FLOWCAST_PG_URL", "FLOWCAST_INSTANCE_ID", "FLOWCAST_INSTANCE_ADDRESS").forEach(environment::remove);
    environment.putAll(env);
    environment.put("FLOWCAST_HTTP_HOST", "127.0.0.1");
    environment.put("FLOWCAST_HTTP_PORT", String.valueOf(port));
    try {
      long started = System.nanoTime();
      return new BenchInstance(builder.start(), log, port, started);
    } catch (IOException e) {
      throw new BenchException("cannot start the instance (" + String.join(" ", command) + "): " + e.getMessage());
    }
  }

  /** The jar this class was loaded from, or null when it runs from a class path of directories. */
  private static String ownJar() {
    try {
      Path where = Path.of(BenchInstance.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      return where.toString().endsWith(".jar") ? where.toString() : null;
    } catch (URISyntaxException | RuntimeException e) {
      return null;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new BenchException("no free port: " + e.getMessage());
    }
  }

  String url() {
    return "http://127.0.0.1:" + port;
  }

  long pid() {
    return process.pid();
  }

  Path log() {
    return log;
  }

  /**
   * Polls {@code /ready} every 10 ms; completes with the {@code System.nanoTime()} of the first 200, and
   * fails (with the end of the log) if the process exits or is not ready within two minutes.
   */
  Future<Long> awaitReady(Lane lane) {
    Promise<Long> ready = Promise.promise();
    lane.call(() -> {
      poll(lane, ready);
      return Future.succeededFuture();
    });
    return ready.future();
  }

  private void poll(Lane lane, Promise<Long> ready) {
    if (!process.isAlive()) {
      ready.fail(new BenchException("the instance exited with " + process.exitValue() + " before /ready: "
          + logTail()));
      return;
    }
    if (System.nanoTime() - startedNanos > TimeUnit.MILLISECONDS.toNanos(READY_TIMEOUT_MS)) {
      ready.fail(new BenchException("the instance was not ready within " + READY_TIMEOUT_MS / 1000 + " s: "
          + logTail()));
      return;
    }
    lane.send(Endpoint.parse(url()).plus("/ready").request(HttpMethod.GET), null, null, null)
        .onComplete(ar -> {
          if (ar.succeeded() && ar.result().status() == 200) {
            ready.tryComplete(System.nanoTime());
          } else {
            lane.timer(READY_POLL_MS, () -> poll(lane, ready));
          }
        });
  }

  /** Milliseconds from the process start to {@code readyNanos}. */
  long startToReadyMs(long readyNanos) {
    return TimeUnit.NANOSECONDS.toMillis(readyNanos - startedNanos);
  }

  /** SIGTERM, then waits (off the event loop) for the exit; by force after a minute. The exit status. */
  Future<Integer> stop(Vertx vertx) {
    return vertx.executeBlocking(() -> {
      process.destroy();
      if (!process.waitFor(STOP_TIMEOUT_S, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      return process.isAlive() ? -1 : process.exitValue();
    });
  }

  /** Kills the process if it still runs (a run that failed half-way). */
  void kill() {
    if (process.isAlive()) {
      process.destroyForcibly();
    }
  }

  String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
    } catch (IOException e) {
      return "(log " + log + " unreadable: " + e.getMessage() + ")";
    }
  }
}
