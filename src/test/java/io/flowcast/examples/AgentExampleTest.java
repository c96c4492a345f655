package io.flowcast.examples;

import io.flowcast.testsupport.NodeScripts;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The agent example of docs/AGENTS.md (examples/python/agent.py and webroot/examples/agent.html), driven by
 * src/test/js/agent.spec.mjs in a real Chromium: on one in-memory server, and with the worker on one
 * instance and the page on another of one Redis. The worker authenticates as the development client
 * {@code worker} (tenant {@code acme}); the page gets a token of that tenant.
 */
class AgentExampleTest {
  private static final Path SCRIPT = Path.of("src", "test", "js", "agent.spec.mjs");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  /** A window wide enough that an answer of 120 tokens makes a handful of rows, not one per token. */
  private static final int ROLLUP_MS = 400;
  private static final JsonObject SETTINGS = new JsonObject().put("outputs.rollup_ms", ROLLUP_MS);

  @RegisterExtension
  static final StartedServer memory = StartedServer.with(SETTINGS.copy());
  @RegisterExtension
  static final StartedServer a = StartedServer.with(TestServer.onRedis().mergeIn(SETTINGS));
  @RegisterExtension
  static final StartedServer b = StartedServer.with(TestServer.onRedis().mergeIn(SETTINGS));

  @Test
  void onOneInMemoryServerTheAgentStreamsAsksAndStopsOnCancel() throws Exception {
    run(memory.get(), memory.get());
  }

  @Test
  void anAnswerStreamedOnOneInstanceIsShownAndApprovedOnAnother() throws Exception {
    run(a.get(), b.get());
  }

  private static void run(TestServer worker, TestServer page) throws Exception {
    assertThat(Files.isExecutable(CHROMIUM)).as("%s is missing: run bash scripts/test.sh", CHROMIUM).isTrue();
    ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true);
    Map<String, String> env = node.environment();
    env.put("FLOWCAST_WORKER_URL", "http://127.0.0.1:" + worker.port());
    env.put("FLOWCAST_PAGE_URL", "http://127.0.0.1:" + page.port());
    env.put("FLOWCAST_TOKEN", page.token("page", "acme", TestServer.RW));
    env.put("FLOWCAST_ROLLUP_MS", String.valueOf(ROLLUP_MS));
    env.put("CHROMIUM", CHROMIUM.toString());
    NodeScripts.run(node, SCRIPT, 180);
  }
}
