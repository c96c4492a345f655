package io.flowcast.testsupport;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the test's own: {@code initdb} into a temporary directory, started with
 * {@code pg_ctl} on a free 127.0.0.1 port with trust authentication, so a test can stop it, crash it
 * (SIGKILL) and start it again on the same data (crash recovery). It never touches the developer's
 * PostgreSQL. As root, the server runs as an unprivileged OS user ({@link PostgresPrograms}).
 */
public final class PostgresProcess implements AutoCloseable {
  private static final Duration START_WITHIN = Duration.ofSeconds(90);

  private final int port;
  private final Path dir;
  private final Path data;
  private final Path log;
  private final PostgresPrograms programs;
  private boolean running;
  /** A run cut short (the JVM exits without {@link #close}) leaves no server behind: it is not the JVM's child. */
  private final Thread abandoned = new Thread(this::abandon, "postgres-process-clean-up");

  /** Creates the cluster (initdb); {@link #start} starts it. */
  public PostgresProcess() throws IOException, InterruptedException {
    this.port = TestServer.freePort();
    this.programs = PostgresPrograms.find();
    this.dir = Files.createTempDirectory("flowcast-pg");
    this.data = dir.resolve("data");
    this.log = dir.resolve("postgres.log");
    try {
      programs.own(dir);
      run(Duration.ofSeconds(120), "initdb", "-D", data.toString(), "-U", "postgres", "--auth=trust", "-E", "UTF8",
          "--locale=C", "--no-sync");
      Runtime.getRuntime().addShutdownHook(abandoned);
    } catch (IOException | RuntimeException | InterruptedException e) {
      deleteDirectory();
      throw e;
    }
  }

  /** {@code postgresql://postgres@127.0.0.1:<port>/postgres}: the private server's own database. */
  public String url() {
    return "postgresql://postgres@127.0.0.1:" + port + "/postgres";
  }

  public int port() {
    return port;
  }

  /** Starts the server (after a crash: with crash recovery) and waits until it accepts connections. */
  public PostgresProcess start() throws IOException, InterruptedException {
    // a crashed server's processes may take a moment to be gone; until then its lock file names a live pid
    Eventually.until("the previous postmaster gone", Duration.ofSeconds(30), () -> postmaster().isEmpty());
    // fsync and synchronous_commit as in production (the defaults, said out loud): a crash of the server
    // must lose no commit it confirmed, which is what the crash tests hold Flowcast to
    run(START_WITHIN.plusSeconds(10), "pg_ctl", "-D", data.toString(), "-l", log.toString(), "-w",
        "-t", String.valueOf(START_WITHIN.toSeconds()), "-o", "-p " + port
            + " -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c max_connections=60"
            + " -c shared_buffers=16MB -c fsync=on -c synchronous_commit=on", "start");
    running = true;
    return this;
  }

  /** A clean shutdown ({@code pg_ctl stop -m fast}): connections are closed, nothing is lost. */
  public void stop() throws IOException, InterruptedException {
    run(Duration.ofSeconds(70), "pg_ctl", "-D", data.toString(), "-m", "fast", "-w", "-t", "60", "stop");
    running = false;
  }

  /**
   * A crash: SIGKILL of the postmaster and of every process it started (backends mid-transaction
   * included), none of them given a chance to write anything more; the next {@link #start} recovers from
   * the write-ahead log. The postmaster is stopped first so it forks nothing while its children are killed.
   */
  public void crash() throws IOException, InterruptedException {
    ProcessHandle postmaster = postmaster().orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
    signal("STOP", postmaster);
    List<ProcessHandle> all = new ArrayList<>(postmaster.children().toList());
    all.add(postmaster);
    signal("KILL", all.toArray(ProcessHandle[]::new));
    running = false;
    Eventually.until("PostgreSQL's processes gone", Duration.ofSeconds(30),
        () -> all.stream().noneMatch(ProcessHandle::isAlive));
  }

  /**
   * SIGKILL of one backend (a pid of {@code pg_stat_activity}; only a process this server started): as
   * when the kernel's OOM killer picks one, the postmaster ends every other backend and recovers by itself.
   */
  public void killBackend(long pid) throws IOException, InterruptedException {
    ProcessHandle postmaster = postmaster().orElseThrow(() -> new IllegalStateException("PostgreSQL is not running"));
    ProcessHandle backend = postmaster.children().filter(p -> p.pid() == pid).findFirst()
        .orElseThrow(() -> new IllegalStateException(pid + " is no backend of this server"));
    signal("KILL", backend);
  }

  /** How many times the server log says it recovered from a crash. */
  public long crashRecoveries() throws IOException {
    try (Stream<String> lines = Files.lines(log)) {
      return lines.filter(l -> l.contains("database system was not properly shut down; automatic recovery in progress"))
          .count();
    }
  }

  /** The server's log so far. */
  public String log() throws IOException {
    return Files.exists(log) ? Files.readString(log) : "";
  }

  @Override
  public void close() throws Exception {
    try {
      Runtime.getRuntime().removeShutdownHook(abandoned);
    } catch (IllegalStateException shuttingDown) {
      // the hook runs anyway
    }
    try {
      if (running || postmaster().isPresent()) {
        run(Duration.ofSeconds(40), "pg_ctl", "-D", data.toString(), "-m", "immediate", "-w", "-t", "30", "stop");
      }
    } finally {
      deleteDirectory();
    }
  }

  private void abandon() {
    try {
      if (postmaster().isPresent()) {
        crash();
      }
      deleteDirectory();
    } catch (Exception | AssertionError e) {
      System.err.println("could not clean up PostgreSQL in " + dir + ": " + e);
    }
  }

  /** The live postmaster of this data directory, from the first line of its lock file. */
  private Optional<ProcessHandle> postmaster() throws IOException {
    Path pidFile = data.resolve("postmaster.pid");
    if (!Files.exists(pidFile)) {
      return Optional.empty();
    }
    List<String> lines = Files.readAllLines(pidFile);
    if (lines.isEmpty() || lines.get(0).isBlank()) {
      return Optional.empty();
    }
    return ProcessHandle.of(Long.parseLong(lines.get(0).trim())).filter(ProcessHandle::isAlive);
  }

  private void signal(String signal, ProcessHandle... processes) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
    for (ProcessHandle p : processes) {
      command.add(String.valueOf(p.pid()));
    }
    // as root, or as the user the server runs as: either may signal it
    Process kill = new ProcessBuilder(command).redirectErrorStream(true).start();
    kill.waitFor(10, TimeUnit.SECONDS);
  }

  /** Runs one of PostgreSQL's programs in the cluster's directory; a failure says what the server logged. */
  private void run(Duration within, String program, String... args) throws IOException, InterruptedException {
    try {
      programs.run(dir, within, program, args);
    } catch (IllegalStateException e) {
      throw new IllegalStateException(e.getMessage() + "\n" + log(), e);
    }
  }

  private void deleteDirectory() throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
