package io.flowcast.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * The ACL user docs/REDIS.md tells operators to create (its {@code ACL SETUSER flowcast ...} line, read
 * from the file so the tests run on exactly what is documented), for a key prefix and a password.
 */
public final class FlowcastAcl {
  public static final String USER = "flowcast";
  private static final String DOCUMENTED_PREFIX = "flowcast:";

  private FlowcastAcl() {
  }

  /** The documented rules: {@code on >CHANGE-ME resetkeys ... +config|get}. */
  public static String documentedRules() {
    try {
      String line = Files.readAllLines(Path.of("docs/REDIS.md")).stream()
          .filter(l -> l.startsWith("ACL SETUSER " + USER + " ")).findFirst()
          .orElseThrow(() -> new AssertionError("docs/REDIS.md has no 'ACL SETUSER flowcast' line"));
      return line.substring(("ACL SETUSER " + USER + " ").length());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The commands (and {@code command|subcommand}s) the documented user may run. */
  public static List<String> grantedCommands() {
    return Arrays.stream(documentedRules().split(" ")).filter(r -> r.startsWith("+")).map(r -> r.substring(1))
        .toList();
  }

  /**
   * The lines of an ACL file: the default user off, and Flowcast's user with the documented rules for
   * {@code prefix} and {@code password}.
   */
  public static List<String> aclFile(String prefix, String password) {
    String rules = documentedRules().replace(">CHANGE-ME", ">" + password)
        .replace("~" + DOCUMENTED_PREFIX + "*", "~" + prefix + "*")
        .replace("&" + DOCUMENTED_PREFIX + "*", "&" + prefix + "*");
    return List.of("user default off", "user " + USER + " " + rules);
  }
}
