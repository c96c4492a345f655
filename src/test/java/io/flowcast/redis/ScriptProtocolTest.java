package io.flowcast.redis;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The Java/Lua protocol is by name: scripts declare their arguments, calls fill them by name. */
class ScriptProtocolTest {
  private static final Path LUA = Path.of("src/main/resources/lua");
  private static final List<String> STANDALONE = List.of("ratelimit", "stream_slots", "refresh", "flush_ack",
      "instances", "idempotency", "presence_index");

  @Test
  void everyWorkflowScriptNamesItsArgumentsAndRepliesByName() throws IOException {
    try (Stream<Path> files = Files.list(LUA)) {
      for (Path file : files.toList()) {
        String name = file.getFileName().toString().replace(".lua", "");
        if (name.equals("_lib") || STANDALONE.contains(name)) {
          continue;
        }
        assertThat(RedisScripts.WORKFLOW).as("the workflow scripts (the function library) hold %s", name)
            .contains(name);
        String source = Files.readString(file);
        assertThat(source).as(name).contains("local arg = args(").doesNotContain("ARGV[")
            .doesNotContain("return {'");
      }
    }
  }

  @Test
  void argumentsArePutInTheOrderTheScriptDeclares() {
    List<String> names = new RedisScripts().argNames("patch");
    assertThat(names).startsWith("expected_version", "type").endsWith("workflow...", "writes...");
    List<String> argv = ScriptArgs.of().putList("writes", List.of("drafts", "f", "1"))
        .putList("workflow", List.of("status", "running", "state", "{}")).put("reason", "").put("epoch", 12)
        .put("rest", ",{}").put("type", "state.updated").put("expected_version", 3)
        .inOrder("patch", names);
    // a list before the last argument goes with its length in front
    assertThat(argv).containsExactly("3", "state.updated", ",{}", "12", "", "4", "status", "running", "state", "{}",
        "drafts", "f", "1");
  }

  @Test
  void anArgumentTheScriptDoesNotDeclareOrOneLeftOutFailsTheCall() {
    List<String> names = new RedisScripts().argNames("append");
    assertThat(names).containsExactly("type", "rest");
    assertThatThrownBy(() -> ScriptArgs.of().put("type", "x").inOrder("append", names))
        .hasMessageContaining("'rest' is missing");
    assertThatThrownBy(() -> ScriptArgs.of().put("type", "x").put("rest", "").put("typo", "1").inOrder("append", names))
        .hasMessageContaining("declares no argument 'typo'");
  }
}
