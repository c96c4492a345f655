package io.flowcast.deploy;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.flowcast.deploy.ComposeFileTest.onPath;
import static io.flowcast.deploy.ComposeFileTest.read;
import static io.flowcast.deploy.ComposeFileTest.run;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Dockerfile's runtime stage, without Docker: its health check is there, uses a tool the stage installs,
 * and (run here with {@code sh}) passes against a server and fails without one; the JVM gets the container
 * flags through {@code JAVA_OPTS}; the entry point (run here with a stand-in {@code java}) starts the jar the
 * build makes with those flags and passes the container's arguments on unchanged.
 */
class DockerfileTest {
  private static final Path DOCKERFILE = Path.of("Dockerfile");
  private static final Pattern JAVA_OPTS = Pattern.compile("^ENV JAVA_OPTS=\"([^\"]*)\"$");

  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  /** The runtime stage's instructions: continuation lines joined, comments dropped. */
  private final List<String> runtime = runtimeStage(read(DOCKERFILE));

  @Test
  void theRuntimeStageChecksHealthWithCurlItInstalls() {
    assertThat(healthCheck()).startsWith("curl ").contains("/health");
    assertThat(runtime).anySatisfy(line -> assertThat(line).startsWith("RUN ").contains("apt-get install")
        .containsPattern("\\bcurl\\b"));
  }

  @Test
  void theHealthCheckPassesAgainstAServerAndFailsWithoutOne() throws Exception {
    assertThat(onPath("curl")).as("curl on the PATH (scripts/test.sh installs it): the health check is a curl command").isTrue();
    String check = healthCheck();
    assertThat(run(List.of("/bin/sh", "-c", check), Map.of("FLOWCAST_HTTP_PORT", String.valueOf(server.get().port())))
        .exitCode()).isZero();
    assertThat(run(List.of("/bin/sh", "-c", check), Map.of("FLOWCAST_HTTP_PORT", String.valueOf(TestServer.freePort())))
        .exitCode()).isNotZero();
  }

  @Test
  void theJvmGetsContainerFlagsThatJavaOptsReplaces() {
    assertThat(javaOpts()).contains("-XX:MaxRAMPercentage=75", "-XX:+ExitOnOutOfMemoryError", "-XX:+UseG1GC");
  }

  /**
   * The heap the image's flags give this JVM in a container of 1 GiB (MaxRAM stands in for the cgroup limit):
   * fixed at three quarters of it and touched at start, so RSS does not grow with the heap's use.
   */
  @Test
  void inAOneGibContainerTheHeapIsAFixedResidentThreeQuartersOfIt() throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
    Arrays.stream(javaOpts().split(" ")).filter(o -> !o.startsWith("-XX:SharedArchiveFile=")).forEach(command::add);
    command.addAll(List.of("-XX:MaxRAM=1g", "-XX:+PrintFlagsFinal", "-version"));
    ComposeFileTest.Result result = run(command, Map.of());
    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(flag(result.output(), "MaxHeapSize")).isEqualTo(String.valueOf(768L << 20));
    assertThat(flag(result.output(), "InitialHeapSize")).isEqualTo(String.valueOf(768L << 20));
    assertThat(flag(result.output(), "AlwaysPreTouch")).isEqualTo("true");
    assertThat(flag(result.output(), "UseG1GC")).isEqualTo("true");
  }

  /** A flag's value as -XX:+PrintFlagsFinal prints it ("  size_t MaxHeapSize  = 805306368  {product} ..."). */
  private static String flag(String flagsFinal, String name) {
    return flagsFinal.lines().map(String::trim).map(line -> line.split("\\s+"))
        .filter(parts -> parts.length >= 4 && parts[1].equals(name) && parts[2].equals("="))
        .map(parts -> parts[3]).findFirst().orElseThrow(() -> new AssertionError("no " + name + " in " + flagsFinal));
  }

  @Test
  void aTrainingRunInTheRuntimeStageBuildsTheClassDataArchiveThatJavaOptsMaps() {
    int copy = runtime.indexOf("COPY --from=build /build/target/flowcast.jar /app/flowcast.jar");
    List<String> training = runtime.stream().filter(line -> line.startsWith("RUN ")
        && line.contains("cds-archive.sh /app/flowcast.jar /app/flowcast.jsa")).toList();
    assertThat(training).as("one RUN that records the archive").hasSize(1);
    int at = runtime.indexOf(training.get(0));
    assertThat(at).as("after the jar is in place, with the java of the runtime stage").isGreaterThan(copy);
    assertThat(runtime).contains("COPY scripts/cds-archive.sh /tmp/cds-archive.sh");
    String script = read(Path.of("scripts/cds-archive.sh"));
    assertThat(script).contains("-XX:ArchiveClassesAtExit=\"$archive\" -jar \"$jar\"", "FLOWCAST_HTTP_HOST=127.0.0.1",
        "FLOWCAST_REDIS_URL= FLOWCAST_PG_URL=", "/ready", "kill -TERM");
    assertThat(runtime.indexOf(runtime.stream().filter(line -> line.startsWith("USER ")).findFirst().orElseThrow()))
        .as("made before the image drops root, so the user cannot change it").isGreaterThan(at);
    assertThat(javaOpts()).contains("-XX:SharedArchiveFile=/app/flowcast.jsa");
  }

  @Test
  void theEntryPointRunsTheBuiltJarWithJavaOptsAndPassesArgumentsOn(@TempDir Path bin) throws Exception {
    Matcher finalName = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(read(Path.of("pom.xml")));
    assertThat(finalName.find()).isTrue();
    assertThat(runtime).contains("COPY --from=build /build/target/" + finalName.group(1) + ".jar /app/flowcast.jar");

    // a stand-in java that prints its arguments one a line
    Path java = bin.resolve("java");
    Files.writeString(java, "#!/bin/sh\nfor a in \"$@\"; do printf '%s\\n' \"$a\"; done\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> command = new ArrayList<>(entryPoint());
    command.addAll(List.of("token", "--sub", "ops user"));
    ComposeFileTest.Result result = run(command, Map.of("PATH", bin + ":/usr/bin:/bin", "JAVA_OPTS", javaOpts()));
    assertThat(result.exitCode()).as(result.output()).isZero();
    List<String> expected = new ArrayList<>(List.of(javaOpts().split(" ")));
    expected.addAll(List.of("-jar", "/app/flowcast.jar", "token", "--sub", "ops user"));
    assertThat(result.output().lines().toList()).isEqualTo(expected);
    assertThat(String.join(" ", entryPoint())).as("java replaces the shell, so SIGTERM reaches it").contains("exec java");
  }

  private String healthCheck() {
    List<String> checks = runtime.stream().filter(line -> line.startsWith("HEALTHCHECK ")).toList();
    assertThat(checks).hasSize(1);
    String check = checks.get(0);
    return check.substring(check.indexOf(" CMD ") + " CMD ".length());
  }

  private String javaOpts() {
    for (String line : runtime) {
      Matcher m = JAVA_OPTS.matcher(line);
      if (m.matches()) {
        return m.group(1);
      }
    }
    throw new AssertionError("no ENV JAVA_OPTS=\"...\" in the runtime stage of " + DOCKERFILE);
  }

  private List<String> entryPoint() {
    List<String> entries = runtime.stream().filter(line -> line.startsWith("ENTRYPOINT ")).toList();
    assertThat(entries).hasSize(1);
    return new JsonArray(entries.get(0).substring("ENTRYPOINT ".length())).stream().map(String::valueOf).toList();
  }

  private static List<String> runtimeStage(String dockerfile) {
    List<String> instructions = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : dockerfile.lines().toList()) {
      String trimmed = line.strip();
      if (trimmed.startsWith("#") || trimmed.isEmpty() && current.length() == 0) {
        continue;
      }
      boolean continues = trimmed.endsWith("\\");
      current.append(continues ? trimmed.substring(0, trimmed.length() - 1).strip() + " " : trimmed);
      if (!continues) {
        instructions.add(current.toString().strip());
        current.setLength(0);
      }
    }
    int lastFrom = -1;
    for (int i = 0; i < instructions.size(); i++) {
      if (instructions.get(i).startsWith("FROM ")) {
        lastFrom = i;
      }
    }
    assertThat(lastFrom).as("a FROM in %s", DOCKERFILE).isNotNegative();
    return instructions.subList(lastFrom, instructions.size());
  }
}
