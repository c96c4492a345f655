package io.flowcast.testsupport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A private nginx on a free port running the repository's own {@code deploy/nginx/flowcast.conf}, with
 * only its {@code listen} port and the upstream list (the file it includes) made for the test. The
 * binary is {@code FLOWCAST_TEST_NGINX}, else {@code nginx} on the PATH or in /usr/sbin
 * ({@code scripts/test.sh} installs the Debian package when it is missing).
 */
public final class NginxProcess implements AutoCloseable {
  public static final Path CONFIG = Path.of("deploy/nginx/flowcast.conf");

  private final Process process;
  private final Path dir;
  private final int port;

  private NginxProcess(Process process, Path dir, int port) {
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /** Starts nginx in front of the instances listening on {@code ports} and waits until it listens. */
  public static NginxProcess start(List<Integer> ports) throws Exception {
    Path dir = Files.createTempDirectory("flowcast-nginx");
    // nginx's workers run as an unprivileged user when the tests run as root: they write the temp dirs
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));
    int port = TestServer.freePort();
    String site = Files.readString(CONFIG);
    if (!site.contains("listen 8080;")) {
      throw new IllegalStateException(CONFIG + " no longer says 'listen 8080;': update NginxProcess");
    }
    Files.writeString(dir.resolve("flowcast.conf"), site.replace("listen 8080;", "listen 127.0.0.1:" + port + ";"));
    Files.writeString(dir.resolve("flowcast-upstreams.conf"), ports.stream()
        .map(p -> "server 127.0.0.1:" + p + " max_fails=1 fail_timeout=10s;\n").collect(Collectors.joining()));
    Files.writeString(dir.resolve("nginx.conf"), """
        worker_processes 1;
        pid %1$s/nginx.pid;
        events { worker_connections 4096; }
        http {
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          include %1$s/flowcast.conf;
        }
        """.formatted(dir));
    Path log = dir.resolve("access.log");
    Process process = new ProcessBuilder(binary(), "-p", dir + "/", "-c", dir.resolve("nginx.conf").toString(),
        "-e", dir.resolve("error.log").toString(), "-g", "daemon off;")
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    NginxProcess nginx = new NginxProcess(process, dir, port);
    try {
      Eventually.until("nginx listening on " + port, Duration.ofSeconds(15), () -> {
        if (!process.isAlive()) {
          throw new AssertionError("nginx exited: " + nginx.errors());
        }
        try (var socket = new java.net.Socket("127.0.0.1", port)) {
          return true;
        } catch (IOException notYet) {
          return false;
        }
      });
    } catch (AssertionError e) {
      nginx.close();
      throw e;
    }
    return nginx;
  }

  private static String binary() {
    String configured = System.getenv("FLOWCAST_TEST_NGINX");
    if (configured != null && !configured.isBlank()) {
      return configured;
    }
    for (String candidate : List.of("/usr/sbin/nginx", "/usr/local/sbin/nginx", "/usr/bin/nginx")) {
      if (Files.isExecutable(Path.of(candidate))) {
        return candidate;
      }
    }
    return "nginx"; // from the PATH; if absent the start fails and says so: run scripts/test.sh
  }

  public int port() {
    return port;
  }

  /** The access log so far (format {@code flowcast} of the config), one request a line. */
  public List<String> accessLog() throws IOException {
    return Files.readAllLines(dir.resolve("access.log"));
  }

  public String errors() throws IOException {
    Path errors = dir.resolve("error.log");
    return Files.exists(errors) ? Files.readString(errors) : "(no error log)";
  }

  @Override
  public void close() throws Exception {
    process.destroy();
    if (!process.waitFor(10, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
