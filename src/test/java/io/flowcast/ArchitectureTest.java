package io.flowcast;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The shape of the code, read from its sources: packages depend on each other one way only, the core
 * never names a backend implementation, and nothing asks which store it was given.
 */
class ArchitectureTest {
  private static final Path SOURCES = Path.of("src/main/java/io/flowcast");
  private static final Pattern REFERENCE = Pattern.compile("io\\.flowcast\\.(\\w+)\\.[A-Z]");
  /** The packages that implement backends; only the composition root (and the Redis-bound flusher and limiter) name them. */
  private static final Set<String> IMPLEMENTATIONS = Set.of("memory", "redis", "pg");
  private static final Set<String> MAY_NAME_IMPLEMENTATIONS = Set.of("(root)", "flush", "ratelimit", "memory",
      "redis", "pg");

  /** package -> the packages its sources name, with the files that name each. */
  private static final Map<String, Map<String, Set<String>>> uses = new TreeMap<>();
  private static final Map<Path, String> sources = new HashMap<>();

  @BeforeAll
  static void readSources() throws IOException {
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        String text = Files.readString(file);
        sources.put(file, text);
        Path dir = SOURCES.relativize(file).getParent();
        String pkg = dir == null ? "(root)" : dir.toString().replace('/', '.');
        Map<String, Set<String>> used = uses.computeIfAbsent(pkg, p -> new TreeMap<>());
        Matcher m = REFERENCE.matcher(text);
        while (m.find()) {
          if (!m.group(1).equals(pkg)) {
            used.computeIfAbsent(m.group(1), p -> new TreeSet<>()).add(file.getFileName().toString());
          }
        }
      }
    }
  }

  @Test
  void noPackageCycleExists() {
    List<String> cycles = new ArrayList<>();
    for (String start : uses.keySet()) {
      List<String> path = pathBack(start);
      if (path != null) {
        cycles.add(String.join(" -> ", path));
      }
    }
    assertThat(cycles).as("package cycles (a -> b: a's sources name b)").isEmpty();
  }

  @Test
  void onlyTheCompositionRootNamesABackendImplementation() {
    Map<String, Set<String>> offenders = new TreeMap<>();
    uses.forEach((pkg, used) -> used.forEach((target, files) -> {
      if (IMPLEMENTATIONS.contains(target) && !MAY_NAME_IMPLEMENTATIONS.contains(pkg)) {
        offenders.computeIfAbsent(pkg + " -> " + target, k -> new TreeSet<>()).addAll(files);
      }
    }));
    assertThat(offenders).isEmpty();
  }

  @Test
  void noCodeAsksWhichStoreItWasGiven() {
    Pattern instanceOfStore = Pattern.compile("instanceof\\s+\\w*(Store|Queue|SideData|Transport)\\b");
    List<String> found = sources.entrySet().stream()
        .filter(e -> instanceOfStore.matcher(e.getValue()).find())
        .map(e -> e.getKey().getFileName().toString()).toList();
    assertThat(found).isEmpty();
  }

  /** A path of dependencies from {@code start} back to itself, or null when there is none. */
  private static List<String> pathBack(String start) {
    Deque<List<String>> paths = new ArrayDeque<>();
    paths.add(List.of(start));
    Set<String> seen = new TreeSet<>();
    while (!paths.isEmpty()) {
      List<String> path = paths.poll();
      String last = path.get(path.size() - 1);
      for (String next : uses.getOrDefault(last, Map.of()).keySet()) {
        List<String> longer = new ArrayList<>(path);
        longer.add(next);
        if (next.equals(start)) {
          return longer;
        }
        if (seen.add(next)) {
          paths.add(longer);
        }
      }
    }
    return null;
  }
}
