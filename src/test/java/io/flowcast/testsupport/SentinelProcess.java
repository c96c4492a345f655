package io.flowcast.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A Redis Sentinel of the test's own on a free port, monitoring one master as {@code mymaster} (quorum 1). */
public final class SentinelProcess implements AutoCloseable {
  public static final String MASTER = "mymaster";
  private final int port;
  private final Path dir;
  private final Process process;

  private SentinelProcess(int port, Path dir, Process process) {
    this.port = port;
    this.dir = dir;
    this.process = process;
  }

  public static SentinelProcess monitoring(RedisProcess master) throws IOException {
    int port = TestServer.freePort();
    Path dir = Files.createTempDirectory("flowcast-sentinel");
    Path conf = Files.writeString(dir.resolve("sentinel.conf"), "port " + port + "\nbind 127.0.0.1\ndir " + dir
        + "\nsentinel monitor " + MASTER + " 127.0.0.1 " + master.port() + " 1\n");
    Process process = new ProcessBuilder(List.of(RedisProcess.binary(), conf.toString(), "--sentinel"))
        .redirectErrorStream(true).redirectOutput(dir.resolve("sentinel.log").toFile()).start();
    SentinelProcess sentinel = new SentinelProcess(port, dir, process);
    try {
      Eventually.until("redis sentinel accepting connections", Duration.ofSeconds(10), () -> {
        try (Socket ignored = new Socket("127.0.0.1", port)) {
          return true;
        } catch (IOException notYet) {
          return false;
        }
      });
    } catch (AssertionError e) {
      throw new IllegalStateException("sentinel did not start: " + Files.readString(dir.resolve("sentinel.log")), e);
    }
    return sentinel;
  }

  /** {@code redis://127.0.0.1:<port>}: the sentinel's URL, for {@code redis.type=sentinel}. */
  public String url() {
    return "redis://127.0.0.1:" + port;
  }

  @Override
  public void close() throws Exception {
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
