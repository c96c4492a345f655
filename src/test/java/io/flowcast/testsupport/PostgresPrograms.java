package io.flowcast.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * PostgreSQL's server programs ({@code initdb}, {@code pg_ctl}) and the OS user they run as, for
 * {@link PostgresProcess}. The programs come from {@code FLOWCAST_TEST_PG_BIN}, else the newest
 * {@code /usr/lib/postgresql/<version>/bin}, else the PATH (scripts/test.sh makes sure they exist).
 * PostgreSQL refuses to run as root: when the tests do, the programs run as
 * {@code FLOWCAST_TEST_PG_OS_USER} (default {@code postgres}, which Debian's package creates) through
 * {@code runuser} (or {@code su} where there is none); otherwise as the current user.
 */
final class PostgresPrograms {
  private final Path bin;
  /** The user to run as, or null to run as the current one. */
  private final String osUser;

  private PostgresPrograms(Path bin, String osUser) {
    this.bin = bin;
    this.osUser = osUser;
  }

  static PostgresPrograms find() {
    boolean root = new com.sun.security.auth.module.UnixSystem().getUid() == 0;
    return new PostgresPrograms(binaries(), root ? System.getenv().getOrDefault("FLOWCAST_TEST_PG_OS_USER", "postgres")
        : null);
  }

  /** Hands {@code dir} to the OS user the programs run as (they write into it). */
  void own(Path dir) throws IOException {
    if (osUser == null) {
      return;
    }
    try {
      Files.setOwner(dir, dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(osUser));
    } catch (UserPrincipalNotFoundException e) {
      throw new IllegalStateException("PostgreSQL refuses to run as root and there is no OS user " + osUser
          + " to run it as (set FLOWCAST_TEST_PG_OS_USER, or run scripts/test.sh, which creates it)", e);
    }
  }

  /** Runs {@code program} in {@code dir} as the OS user; fails with its output when it fails or outlasts {@code within}. */
  void run(Path dir, Duration within, String program, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(bin.resolve(program).toString());
    command.addAll(List.of(args));
    command = asOsUser(command);
    Path output = Files.createTempFile("flowcast-pg-" + program, ".out");
    try {
      Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
          .redirectOutput(output.toFile()).start();
      if (!process.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly();
        throw new IllegalStateException(program + " did not finish within " + within.toSeconds() + " s: "
            + Files.readString(output));
      }
      if (process.exitValue() != 0) {
        throw new IllegalStateException(String.join(" ", command) + " failed (exit " + process.exitValue() + "): "
            + Files.readString(output));
      }
    } finally {
      Files.deleteIfExists(output);
    }
  }

  private List<String> asOsUser(List<String> command) {
    if (osUser == null) {
      return command;
    }
    if (Files.isExecutable(Path.of("/usr/sbin/runuser")) || Files.isExecutable(Path.of("/sbin/runuser"))) {
      List<String> wrapped = new ArrayList<>(List.of("runuser", "-u", osUser, "--"));
      wrapped.addAll(command);
      return wrapped;
    }
    String line = String.join(" ", command.stream().map(a -> "'" + a.replace("'", "'\\''") + "'").toList());
    return List.of("su", "-s", "/bin/sh", osUser, "-c", line);
  }

  /** The directory holding initdb and pg_ctl. */
  private static Path binaries() {
    String configured = System.getenv("FLOWCAST_TEST_PG_BIN");
    List<Path> candidates = new ArrayList<>();
    if (configured != null && !configured.isBlank()) {
      candidates.add(Path.of(configured));
    }
    File[] versions = new File("/usr/lib/postgresql").listFiles(File::isDirectory);
    if (versions != null) {
      Stream.of(versions).sorted(Comparator.comparingInt(PostgresPrograms::version).reversed())
          .forEach(v -> candidates.add(v.toPath().resolve("bin")));
    }
    for (String entry : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
      if (!entry.isBlank()) {
        candidates.add(Path.of(entry));
      }
    }
    return candidates.stream()
        .filter(d -> Files.isExecutable(d.resolve("initdb")) && Files.isExecutable(d.resolve("pg_ctl")))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("initdb and pg_ctl not found (FLOWCAST_TEST_PG_BIN, "
            + "/usr/lib/postgresql/*/bin, PATH): install PostgreSQL's server package (scripts/test.sh does)"));
  }

  private static int version(File dir) {
    try {
      return Integer.parseInt(dir.getName().replaceAll("\\..*", ""));
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
