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
 * The dashboard's interrupts panel in a real headless Chromium (interrupts.spec.mjs, playwright-core from
 * {@code src/test/js}): a person signed in with an {@code interrupts:answer} token sees a worker's interrupts
 * on the open workflow as they are raised, answers them (the schema's choices, text, JSON refused by the
 * server's schema check and then accepted), sees one answered elsewhere leave, and the workflow run again.
 */
class InterruptsBrowserTest {
  private static final Path SCRIPT = Path.of("src", "test", "js", "interrupts.spec.mjs");
  private static final Path NODE_MODULES = Path.of("src", "test", "js", "node_modules", "playwright-core");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final long TIMEOUT_SECONDS = 150;

  @Test
  void aPersonAnswersAWorkersInterruptsInChromium() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM))
        .as("%s is missing: run bash scripts/test.sh (it installs Debian's chromium)", CHROMIUM).isTrue();
    assertThat(Files.isDirectory(NODE_MODULES))
        .as("playwright-core is missing: run npm ci --prefix src/test/js (bash scripts/test.sh does)").isTrue();
    try (TestServer server = TestServer.start(new JsonObject().put("sse.retry_ms", 300))) {
      String tenant = "hitl-" + Long.toString(System.nanoTime(), 36);
      ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true);
      Map<String, String> env = node.environment();
      env.put("FLOWCAST_BASE_URL", "http://127.0.0.1:" + server.port());
      env.put("FLOWCAST_TOKEN", server.token("worker", tenant, TestServer.RW));
      env.put("FLOWCAST_ANSWER_TOKEN", server.token("reviewer", tenant, "interrupts:answer"));
      env.put("FLOWCAST_ANSWER_SUB", "reviewer");
      env.put("FLOWCAST_SCREENSHOT_DIR", Path.of("target", "screenshots").toString());
      env.put("CHROMIUM", CHROMIUM.toString());
      String log = NodeScripts.run(node, SCRIPT, TIMEOUT_SECONDS);
      assertThat(log).contains("PASSED 6 steps");
    }
  }
}
