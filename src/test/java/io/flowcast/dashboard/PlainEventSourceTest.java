package io.flowcast.dashboard;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.NodeScripts;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Clients that know nothing of Flowcast's event types, on {@code ?format=message}: a page in Debian's
 * chromium with a plain {@code EventSource} and only {@code onmessage}, and the {@code eventsource}
 * npm library likewise (src/test/js/onmessage.spec.mjs), each receive every frame, custom types included.
 */
class PlainEventSourceTest {
  private static final Path SCRIPT = Path.of("src", "test", "js", "onmessage.spec.mjs");
  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("sse.retry_ms", 300));

  @Test
  void onmessageAloneReceivesEveryFrameInABrowserAndInANodeLibrary() throws Exception {
    assertThat(Files.isExecutable(CHROMIUM)).as("%s is missing: run bash scripts/test.sh", CHROMIUM).isTrue();
    assertThat(Files.isDirectory(Path.of("src", "test", "js", "node_modules", "eventsource")))
        .as("the eventsource library is missing: run npm ci --prefix src/test/js (bash scripts/test.sh does)")
        .isTrue();
    ProcessBuilder node = new ProcessBuilder("node", SCRIPT.toString()).redirectErrorStream(true);
    node.environment().put("FLOWCAST_BASE_URL", "http://127.0.0.1:" + server.port());
    node.environment().put("FLOWCAST_TOKEN",
        server.token("plain", "plain-" + Long.toString(System.nanoTime(), 36), TestServer.RW));
    node.environment().put("CHROMIUM", CHROMIUM.toString());
    String log = NodeScripts.run(node, SCRIPT, 120);
    assertThat(log).contains("chromium: onmessage received").contains("eventsource library: onmessage received");
  }
}
