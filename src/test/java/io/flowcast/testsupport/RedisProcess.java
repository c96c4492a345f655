package io.flowcast.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free port, with append-only persistence fsynced on every
 * write, so a kill loses nothing Redis acknowledged and a restart on the same directory gets it back.
 */
public final class RedisProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;
  private boolean appendOnly = true;

  public RedisProcess() throws IOException {
    this.port = TestServer.freePort();
    this.dir = Files.createTempDirectory("flowcast-redis");
  }

  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Keeps nothing on disk (no append-only file, no snapshots): a restart loses everything. */
  public RedisProcess withoutAppendOnlyFile() {
    appendOnly = false;
    return this;
  }

  public RedisProcess start() throws IOException, InterruptedException {
    process = new ProcessBuilder(List.of(binary(), "--port", String.valueOf(port), "--bind", "127.0.0.1",
        "--save", "", "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "always", "--dir", dir.toString()))
        .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
    try {
      Eventually.until("redis-server accepting connections", Duration.ofSeconds(10), () -> {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
          return true;
        } catch (IOException notYet) {
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new IllegalStateException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")), e);
    }
    return this;
  }

  /** SIGKILL: no chance to save anything beyond what is already on disk. */
  public void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws Exception {
    if (process != null && process.isAlive()) {
      kill();
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }

  private static String binary() {
    for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    return "redis-server";
  }
}
