package io.flowcast.dashboard;

import io.flowcast.testsupport.NodeScripts;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dashboard in webroot/ in a real headless Chromium (Debian's {@code /usr/bin/chromium}, driven by
 * playwright-core from {@code src/test/js}): sign-in (a pasted token, or user name and password through the
 * token endpoint, with access tokens that live {@value #ACCESS_TTL_SECONDS} s so the page renews them
 * during the run), list, create, live changes, resume after a dropped stream or a token renewal without a
 * missing or repeated event, sign-out revoking the session, escaping of workflow data, the review view
 * (drafts live with their diff; undo, commit, a refused commit, discard) and the actions view (queued,
 * claimed, completed, failed, live), the instances panel for the development account (an operator) and
 * not for a read-write token, screenshots in target/screenshots; and the console (console.spec.mjs): the
 * live list (tenant feed: new workflows on top, changes in place, counts, search, preview),
 * status moves and reopen, events, delete, time travel, snapshots, dead letters, the system view. {@code scripts/test.sh} installs
 * chromium and the node modules when missing.
 */
class DashboardBrowserTest {
  private static final Path SCRIPT = Path.of("src", "test", "js", "dashboard.spec.mjs");
  private static final Path CONSOLE_SCRIPT = Path.of("src", "test", "js", "console.spec.mjs");
  private static final Path NODE_MODULES = Path.of("src", "test", "js", "node_modules", "playwright-core");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 240;
  /** The shortest access token lifetime the server accepts: the page renews during the run. */
  private static final int ACCESS_TTL_SECONDS = 10;
  /** The development account of conf/config.json (a loopback server may use it). */
  private static final String ACCOUNT = "alice";
  private static final String ACCOUNT_PASSWORD = "alice-dev-password";
  private static final String ACCOUNT_TENANT = "acme";
  private static final String INSTANCE_ID = "fc-dashboard";

  @Test
  void dashboardSignsInCreatesShowsLiveChangesAndResumesWithoutLossInChromium() throws Exception {
    assertThat(Files.isDirectory(Path.of("webroot"))).as("webroot/ in the working directory").isTrue();
    assertThat(Files.isExecutable(CHROMIUM))
        .as("%s is missing: run bash scripts/test.sh (it installs Debian's chromium)", CHROMIUM).isTrue();
    assertThat(Files.isDirectory(NODE_MODULES))
        .as("playwright-core is missing: run npm ci --prefix src/test/js (bash scripts/test.sh does)").isTrue();

    // a short retry keeps the browser's reconnects quick; heartbeats show the stream is alive; access
    // tokens of the token endpoint expire within the run (tokens minted here keep their own lifetime)
    // the instances panel: a named instance whose record is renewed every second
    JsonObject overrides = new JsonObject().put("sse.retry_ms", 300).put("sse.heartbeat_ms", 2000)
        .put("auth.access_ttl_seconds", ACCESS_TTL_SECONDS).put("instance.id", INSTANCE_ID)
        .put("registry.heartbeat_ms", 1000);
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
      // the password sign-in steps: the account, its tenant's API access for the script, the lifetime
      env.put("FLOWCAST_USERNAME", ACCOUNT);
      env.put("FLOWCAST_PASSWORD", ACCOUNT_PASSWORD);
      env.put("FLOWCAST_ACCOUNT_TOKEN", server.token(ACCOUNT, ACCOUNT_TENANT, TestServer.RW));
      env.put("FLOWCAST_ACCESS_TTL", Integer.toString(ACCESS_TTL_SECONDS));
      env.put("FLOWCAST_INSTANCE_ID", INSTANCE_ID);
      run(node, SCRIPT);
    }
  }

  /**
   * The console (console.spec.mjs): a workflow's status moves, reopen, events, delete, the version slider
   * with its diffs, snapshots with rollback, dead letters retried, the system view, for a read-write token
   * and for an operator; keyboard and 360 px; screenshots for docs/DASHBOARD.md.
   */
  @Test
  void consoleChangesLifecycleTravelsInTimeRetriesDeadLettersAndShowsTheSystemInChromium() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM))
        .as("%s is missing: run bash scripts/test.sh (it installs Debian's chromium)", CHROMIUM).isTrue();
    assertThat(Files.isDirectory(NODE_MODULES))
        .as("playwright-core is missing: run npm ci --prefix src/test/js (bash scripts/test.sh does)").isTrue();
    JsonObject overrides = new JsonObject().put("sse.retry_ms", 300).put("instance.id", INSTANCE_ID)
        .put("registry.heartbeat_ms", 1000);
    try (TestServer server = TestServer.start(overrides)) {
      String tenant = "con-" + Long.toString(System.nanoTime(), 36);
      ProcessBuilder node = new ProcessBuilder("node", CONSOLE_SCRIPT.toString()).redirectErrorStream(true);
      Map<String, String> env = node.environment();
      env.put("FLOWCAST_BASE_URL", "http://127.0.0.1:" + server.port());
      env.put("FLOWCAST_TOKEN", server.token("carol", tenant, TestServer.RW));
      env.put("FLOWCAST_ADMIN_TOKEN", server.token("olga", tenant, TestServer.RW + " flowcast:admin"));
      env.put("FLOWCAST_READ_TOKEN", server.token("rita", tenant, "workflows:read"));
      env.put("FLOWCAST_SCREENSHOT_DIR", Path.of("target", "screenshots").toString());
      env.put("FLOWCAST_INSTANCE_ID", INSTANCE_ID);
      env.put("CHROMIUM", CHROMIUM.toString());
      run(node, CONSOLE_SCRIPT);
    }
  }

  private static void run(ProcessBuilder node, Path script) throws Exception {
    NodeScripts.run(node, script, TIMEOUT_SECONDS);
  }
}
