package io.flowcast.redis;

import io.flowcast.testsupport.FlowcastAcl;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The ACL user of docs/REDIS.md grants every command Flowcast sends, from Java and from its Lua scripts
 * (with the subcommands it uses), and nothing it does not send.
 */
class AclCommandsTest {
  private static final Pattern JAVA = Pattern.compile("Command\\.([A-Z_]+)\\b(?:\\)\\.arg\\(\"([A-Z-]+)\"\\))?");
  private static final Pattern LUA = Pattern.compile("redis\\.p?call\\('([A-Za-z]+)'(?:, '([A-Z-]+)')?");
  /** Commands whose subcommands the user is granted one by one. */
  private static final Set<String> BY_SUBCOMMAND = Set.of("config", "script", "xgroup", "cluster", "function");
  /**
   * The bench tool is a client of its own (its clean-up of the keys under its run's prefix: SCAN, UNLINK),
   * not the server the documented user is for.
   */
  private static final Path BENCH = Path.of("src/main/java/io/flowcast/bench");
  /** Sent by the client library, not by Flowcast's code: SELECT for a URL with a database. */
  private static final Set<String> CONNECTION = Set.of("select");

  @Test
  void theDocumentedUserGrantsExactlyTheCommandsFlowcastSends() throws IOException {
    Set<String> sent = new TreeSet<>();
    collect(Path.of("src/main/java"), ".java", JAVA, sent);
    collect(Path.of("src/main/resources/lua"), ".lua", LUA, sent);
    // CONFIG SET is sent only when keyspace notifications are off: operators set them instead (docs/REDIS.md)
    sent.remove("config|set");

    Set<String> granted = new TreeSet<>(FlowcastAcl.grantedCommands());
    granted.removeAll(CONNECTION);
    assertThat(granted).containsExactlyInAnyOrderElementsOf(sent);
  }

  private static void collect(Path root, String suffix, Pattern call, Set<String> into) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path file : files.filter(f -> f.toString().endsWith(suffix) && !f.startsWith(BENCH)).toList()) {
        Matcher m = call.matcher(Files.readString(file));
        while (m.find()) {
          String command = m.group(1).toLowerCase(Locale.ROOT);
          if (BY_SUBCOMMAND.contains(command)) {
            assertThat(m.group(2)).as("the subcommand of %s in %s", command, file).isNotNull();
            command += "|" + m.group(2).toLowerCase(Locale.ROOT);
          }
          into.add(command);
        }
      }
    }
  }
}
