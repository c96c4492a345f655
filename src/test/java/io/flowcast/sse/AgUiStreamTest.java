package io.flowcast.sse;

import io.flowcast.testsupport.NodeScripts;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code ?format=ag-ui} (docs/API.md, "AG-UI") checked by the AG-UI protocol's own packages
 * (src/test/js/agui.spec.mjs: @ag-ui/core's schemas, @ag-ui/client's verifyEvents, fast-json-patch), on both
 * backends.
 */
class AgUiStreamTest {
  private static final Path SCRIPT = Path.of("src", "test", "js", "agui.spec.mjs");

  @RegisterExtension
  static final StartedServer memory = StartedServer.inMemory();
  @RegisterExtension
  static final StartedServer redis = StartedServer.onRedis();

  @Test
  void theInMemoryBackendSpeaksAgUi() throws Exception {
    run(memory.get());
  }

  @Test
  void theRedisBackendSpeaksAgUi() throws Exception {
    run(redis.get());
  }

  private static void run(TestServer server) throws Exception {
    ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString());
    node.environment().put("FLOWCAST_BASE_URL", "http://127.0.0.1:" + server.port());
    node.environment().put("FLOWCAST_TOKEN", server.token("agent", "agui-" + System.nanoTime(), TestServer.RW));
    assertThat(NodeScripts.run(node, SCRIPT, 60)).contains("PASSED");
  }
}
