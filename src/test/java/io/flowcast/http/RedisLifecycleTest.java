package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.workflow.Lifecycle;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/** The lifecycle contract on Redis, whose scripts refuse the changes of a terminal workflow themselves. */
class RedisLifecycleTest extends LifecycleContract {
  @RegisterExtension
  static final StartedServer server = StartedServer.onRedis();

  @Override
  StartedServer server() {
    return server;
  }

  @Test
  void theScriptsKnowTheTerminalStatusesTheJavaSideKnows() throws IOException {
    String lib = Files.readString(Path.of("src/main/resources/lua/_lib.lua"));
    Matcher line = Pattern.compile("local TERMINAL = \\{([^}]*)}").matcher(lib);
    assertThat(line.find()).isTrue();
    Set<String> lua = Pattern.compile("(\\w+) = true").matcher(line.group(1)).results().map(m -> m.group(1))
        .collect(Collectors.toSet());
    assertThat(lua).isEqualTo(Lifecycle.TERMINAL);
  }
}
