package io.flowcast.dashboard;

import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in webroot/ in a real headless Chromium (Debian's {@code /usr/bin/chromium}, driven by
 * playwright-core from {@code src/test/js}): sign-in, list, create, live changes, resume after a dropped
 * stream without a missing or repeated event, escaping of workflow data, screenshots in
 * target/screenshots. {@code scripts/test.sh} installs chromium and the node modules when missing.
 */
class DashboardBrowserTest {
  private static final Path SCRIPT = Path.of("src", "test", "js", "dashboard.spec.mjs");
  private static final Path NODE_MODULES = Path.of("src", "test", "js", "node_modules", "playwright-core");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 180;

  @Test
  void dashboardSignsInCreatesShowsLiveChangesAndResumesWithoutLossInChromium() throws Exception {
    assertThat(Files.isDirectory(Path.of("webroot"))).as("webroot/ in the working directory").isTrue();
    assertThat(Files.isExecutable(CHROMIUM))
        .as("%s is missing: run bash scripts/test.sh (it installs Debian's chromium)", CHROMIUM).isTrue();
    assertThat(Files.isDirectory(NODE_MODULES))
        .as("playwright-core is missing: run npm ci --prefix src/test/js (bash scripts/test.sh does)").isTrue();

    // a short retry keeps the browser's reconnects quick; heartbeats show the stream is alive
    JsonObject overrides = new JsonObject().put("sse.retry_ms", 300).put("sse.heartbeat_ms", 2000);
    try (TestServer server = TestServer.start(overrides)) {
      String tenant = "dash-" + Long.toString(System.nanoTime(), 36);
      ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true);
      Map<String, String> env = node.environment();
      env.put("FLOWCAST_BASE_URL", "http://127.0.0.1:" + server.port());
      env.put("FLOWCAST_TOKEN", server.token("alice", tenant, TestServer.RW));
      env.put("FLOWCAST_SCREENSHOT_DIR", Path.of("target", "screenshots").toString());
      // lets the script mint a token that expires within seconds (the session-expiry step)
      env.put("FLOWCAST_JWT_SECRET", server.config().jwtSecret());
      env.put("FLOWCAST_JWT_ISSUER", server.config().jwtIssuer());
      env.put("FLOWCAST_JWT_AUDIENCE", server.config().jwtAudience());
      env.put("CHROMIUM", CHROMIUM.toString());

      Process process = node.start();
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      Thread reader = new Thread(() -> copy(process.getInputStream(), output), "dashboard-spec-output");
      reader.start();
      boolean finished = process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      if (!finished) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
      reader.join(10_000);
      String log = output.toString(StandardCharsets.UTF_8);
      System.out.println(log);
      assertThat(finished).as("the browser test finished within %d s; its output:%n%s", TIMEOUT_SECONDS, log)
          .isTrue();
      assertThat(process.exitValue()).as("exit code of node %s; its output:%n%s", SCRIPT, log).isZero();
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      // the process ended; what was read is kept
    }
  }
}
