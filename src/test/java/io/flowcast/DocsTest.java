package io.flowcast;

import io.flowcast.config.ConfigLoader;
import io.flowcast.workflow.EventTypes;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The docs stand in the repository (issue 19, item 5). In README.md, CONTRIBUTING.md and docs/*.md: every
 * file they cite (a link, a path such as {@code deploy/compose.yaml}, a page such as {@code API.md}) exists
 * in the repository or is one git ignores on purpose (deploy/.env); none lies outside it (a {@code ../} that
 * leaves it, a page that is not in it, such as a DESIGN.md); every config key they cite in code spans
 * ({@code http.drain_ms}, {@code ratelimit.token_*}) is a key of conf/config.json; every {@code FLOWCAST_*}
 * variable they name is a setting's, {@code FLOWCAST_CONFIG}, or one the project's code reads (the test
 * scripts' and the browser tests').
 */
class DocsTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().normalize();

  private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
  private static final Pattern REPOSITORY_PATH = Pattern.compile("(?<![\\w./-])((?:docs|deploy|conf|scripts|src"
      + "|webroot|\\.ci|\\.mvn)/[\\w./-]*[\\w/]|(?:README|CONTRIBUTING)\\.md|LICENSE|Dockerfile|pom\\.xml|mvnw)");
  private static final Pattern PAGE = Pattern.compile("(?<![\\w./-])([\\w-]+\\.md)\\b");
  private static final Pattern PARENT_PATH = Pattern.compile("(?<![\\w.])\\.\\./[\\w./-]*");
  private static final Pattern CODE_SPAN = Pattern.compile("`([^`\\n]+)`");
  private static final Pattern DOTTED = Pattern.compile("(?<![\\w.])([a-z][a-z_0-9]*(?:\\.[a-z_0-9*]+)+)(?![\\w(])");
  private static final Pattern VARIABLE = Pattern.compile("FLOWCAST_[A-Z0-9_]+\\*?");
  /** A dotted name ending so is a file (`auth.js`, `ratelimit.lua`), not a key. */
  private static final Set<String> FILE_ENDINGS = Set.of("js", "mjs", "lua", "json", "md", "yaml", "yml", "conf",
      "sql", "java", "html", "css", "sh", "txt", "xml", "jar");

  private static final Set<String> KEYS = ConfigLoader.defaults().fieldNames();
  private static final Set<String> NAMESPACES = KEYS.stream().map(k -> k.substring(0, k.indexOf('.')))
      .collect(Collectors.toSet());

  @Test
  void everyCitedFileExistsInTheRepositoryAndNoneOutsideIt() {
    List<String> problems = new ArrayList<>();
    docs().forEach(doc -> problems.addAll(files(doc, read(doc))));
    assertThat(problems).isEmpty();
  }

  @Test
  void everyCitedConfigKeyIsAKeyOfTheConfig() {
    List<String> problems = new ArrayList<>();
    docs().forEach(doc -> problems.addAll(keys(doc, read(doc))));
    assertThat(problems).isEmpty();
  }

  @Test
  void everyFlowcastVariableTheDocsNameIsReal() {
    Set<String> used = usedVariables();
    List<String> problems = new ArrayList<>();
    docs().forEach(doc -> problems.addAll(variables(doc, read(doc), used)));
    assertThat(problems).isEmpty();
  }

  /** The checks above find what they are for (a check that finds nothing in any text would pass too). */
  @Test
  void theChecksCatchMissingFilesOutsideReferencesUnknownKeysAndVariables() {
    Path doc = ROOT.resolve("docs/EXAMPLE.md");
    String wrong = "See [the design](DESIGN.md), [style](../../shared/STYLE.md), `deploy/none.yaml`, and\n"
        + "ARCHITECTURE.md; set `http.drian_ms` or `ratelimit.nope_*`, or FLOWCAST_HTTP_DRIAN_MS=1.\n";
    assertThat(String.join("\n", files(doc, wrong)))
        .contains("DESIGN.md", "../../shared/STYLE.md (outside the repository)", "deploy/none.yaml",
            "ARCHITECTURE.md");
    assertThat(String.join("\n", keys(doc, wrong))).contains("http.drian_ms", "ratelimit.nope_*");
    assertThat(variables(doc, wrong, Set.of())).singleElement().asString().contains("FLOWCAST_HTTP_DRIAN_MS");

    String right = "See [the API](API.md#errors), [deploy](../deploy/compose.yaml), `deploy/.env`, README.md;\n"
        + "set `http.drain_ms`, `ratelimit.token_*` or FLOWCAST_HTTP_DRAIN_MS (`FLOWCAST_JWT_*`); events\n"
        + "`workflow.deleted`, `auth.expired`; files `auth.js`, `ratelimit.lua`; Lua's `redis.pcall()`.\n";
    assertThat(files(doc, right)).isEmpty();
    assertThat(keys(doc, right)).isEmpty();
    assertThat(variables(doc, right, Set.of())).isEmpty();
  }

  private static List<String> files(Path doc, String text) {
    Set<String> problems = new TreeSet<>();
    Path dir = doc.getParent();
    Matcher link = LINK.matcher(text);
    while (link.find()) {
      String target = link.group(1);
      if (target.startsWith("#") || target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
        continue;
      }
      check(doc, target, dir.resolve(target.replaceAll("#.*", "")), problems);
    }
    Matcher path = REPOSITORY_PATH.matcher(text);
    while (path.find()) {
      check(doc, path.group(1), ROOT.resolve(path.group(1)), problems);
    }
    Matcher parent = PARENT_PATH.matcher(text);
    while (parent.find()) {
      check(doc, parent.group(), dir.resolve(parent.group()), problems);
    }
    Matcher page = PAGE.matcher(text);
    while (page.find()) {
      String name = page.group(1);
      if (!Files.exists(dir.resolve(name)) && !Files.exists(ROOT.resolve(name))
          && !Files.exists(ROOT.resolve("docs").resolve(name))) {
        problems.add(name(doc) + ": cites " + name + ", which is not in the repository");
      }
    }
    return List.copyOf(problems);
  }

  private static void check(Path doc, String cited, Path resolved, Set<String> problems) {
    Path file = resolved.normalize();
    if (!file.startsWith(ROOT)) {
      problems.add(name(doc) + ": cites " + cited + " (outside the repository)");
    } else if (!Files.exists(file) && !ignored(ROOT.relativize(file).toString())) {
      problems.add(name(doc) + ": cites " + cited + ", which does not exist");
    }
  }

  /** A path git ignores by name in .gitignore (a file the docs tell the reader to make, such as deploy/.env). */
  private static boolean ignored(String path) {
    for (String line : read(ROOT.resolve(".gitignore")).split("\n")) {
      String entry = line.trim().replaceFirst("^/", "");
      if (!entry.isEmpty() && !entry.startsWith("#") && !entry.contains("*")
          && (path.equals(entry) || entry.endsWith("/") && (path + "/").startsWith(entry))) {
        return true;
      }
    }
    return false;
  }

  private static List<String> keys(Path doc, String text) {
    Set<String> problems = new TreeSet<>();
    Matcher span = CODE_SPAN.matcher(text);
    while (span.find()) {
      Matcher dotted = DOTTED.matcher(span.group(1));
      while (dotted.find()) {
        String name = dotted.group(1);
        String namespace = name.substring(0, name.indexOf('.'));
        String last = name.substring(name.lastIndexOf('.') + 1);
        if (!NAMESPACES.contains(namespace) || EventTypes.reserved(name) || FILE_ENDINGS.contains(last)) {
          continue;
        }
        boolean real = name.contains("*")
            ? KEYS.stream().anyMatch(k -> k.matches(Pattern.quote(name).replace("*", "\\E.*\\Q")))
            : KEYS.contains(name);
        if (!real) {
          problems.add(name(doc) + ": `" + name + "` is not a key of conf/config.json");
        }
      }
    }
    return List.copyOf(problems);
  }

  private static List<String> variables(Path doc, String text, Set<String> used) {
    Set<String> settings = KEYS.stream().map(ConfigLoader::envName).collect(Collectors.toSet());
    Set<String> problems = new TreeSet<>();
    Matcher variable = VARIABLE.matcher(text);
    while (variable.find()) {
      String name = variable.group();
      boolean real = name.endsWith("*")
          ? settings.stream().anyMatch(s -> s.startsWith(name.substring(0, name.length() - 1)))
          : settings.contains(name) || name.equals("FLOWCAST_CONFIG") || used.contains(name);
      if (!real) {
        problems.add(name(doc) + ": " + name + " is neither a setting's variable nor one the project reads");
      }
    }
    return List.copyOf(problems);
  }

  /** FLOWCAST_* names in the project's code and scripts (not the docs). */
  private static Set<String> usedVariables() {
    Set<String> used = new TreeSet<>();
    for (String dir : List.of("src", "scripts", "deploy", ".ci")) {
      try (Stream<Path> files = Files.walk(ROOT.resolve(dir))) {
        // not this file: its examples of wrong names would count as used
        files.filter(f -> Files.isRegularFile(f) && !f.getFileName().toString().equals("DocsTest.java"))
            .forEach(file -> {
              Matcher m = VARIABLE.matcher(read(file));
              while (m.find()) {
                used.add(m.group());
              }
            });
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return used;
  }

  private static List<Path> docs() {
    List<Path> docs = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("CONTRIBUTING.md")));
    try (Stream<Path> files = Files.list(ROOT.resolve("docs"))) {
      files.filter(f -> f.toString().endsWith(".md")).sorted().forEach(docs::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    assertThat(docs).hasSizeGreaterThan(5);
    return docs;
  }

  private static String read(Path file) {
    try {
      return new String(Files.readAllBytes(file), java.nio.charset.StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String name(Path doc) {
    return ROOT.relativize(doc).toString();
  }
}
