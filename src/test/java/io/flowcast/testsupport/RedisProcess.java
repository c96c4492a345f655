package io.flowcast.testsupport;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A redis-server of the test's own, on a free port, with append-only persistence fsynced on every
 * write, so a kill loses nothing Redis acknowledged and a restart on the same directory gets it back.
 * As a managed Redis is: TLS only ({@link #withTls}), with ACL users ({@link #withAclUsers}).
 */
public final class RedisProcess implements AutoCloseable {
  private final int port;
  private final Path dir;
  private Process process;
  private boolean appendOnly = true;
  private TestCertificates tls;
  private boolean clientCertificates;
  private final List<String> extraArgs = new ArrayList<>();

  public RedisProcess() throws IOException {
    this.port = TestServer.freePort();
    this.dir = Files.createTempDirectory("flowcast-redis");
  }

  /** {@code redis://127.0.0.1:<port>}, or {@code rediss://} with TLS; no user or password. */
  public String url() {
    return (tls == null ? "redis" : "rediss") + "://127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  /** Keeps nothing on disk (no append-only file, no snapshots): a restart loses everything. */
  public RedisProcess withoutAppendOnlyFile() {
    appendOnly = false;
    return this;
  }

  /**
   * Speaks only TLS on its port, with the server certificate of {@code certificates}; with
   * {@code requireClientCertificate}, only to clients that present one signed by their CA.
   */
  public RedisProcess withTls(TestCertificates certificates, boolean requireClientCertificate) {
    tls = certificates;
    clientCertificates = requireClientCertificate;
    return this;
  }

  /** These ACL users (lines of an ACL file, e.g. {@code user default off}) and no others. */
  public RedisProcess withAclUsers(List<String> users) throws IOException {
    Path file = Files.write(dir.resolve("users.acl"), users);
    return withArgs("--aclfile", file.toString());
  }

  /** More redis-server options, e.g. {@code --notify-keyspace-events Ex}. */
  public RedisProcess withArgs(String... args) {
    extraArgs.addAll(List.of(args));
    return this;
  }

  public RedisProcess start() throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary(), "--bind", "127.0.0.1", "--save", "",
        "--appendonly", appendOnly ? "yes" : "no", "--appendfsync", "always", "--dir", dir.toString()));
    if (tls == null) {
      command.addAll(List.of("--port", String.valueOf(port)));
    } else {
      command.addAll(List.of("--port", "0", "--tls-port", String.valueOf(port), "--tls-cert-file",
          tls.serverCert().toString(), "--tls-key-file", tls.serverKey().toString(), "--tls-ca-cert-file",
          tls.caCert().toString(), "--tls-auth-clients", clientCertificates ? "yes" : "no"));
    }
    command.addAll(extraArgs);
    process = new ProcessBuilder(command)
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

  static String binary() {
    for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
      if (new File(candidate).canExecute()) {
        return candidate;
      }
    }
    return "redis-server";
  }
}
