package io.flowcast.bridge;

import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static io.flowcast.testsupport.TestServer.RW;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The example clients of examples/python and examples/node, written against docs/EVENTBUS.md, run as a
 * user runs them against a started server: a worker completes the actions of a workflow while a watcher
 * prints the workflow's events. Both authenticate with the development OAuth client {@code worker}.
 */
class BridgeExamplesTest {
  static final int TCP = TestServer.freePort();

  @org.junit.jupiter.api.extension.RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("bridge.tcp.port", TCP));

  private List<String> command(String interpreter, String script, String workflow, String... more) {
    String extension = interpreter.equals("node") ? ".js" : ".py";
    String dir = interpreter.equals("node") ? "node" : "python";
    List<String> command = new ArrayList<>(List.of(interpreter, "examples/" + dir + "/" + script + extension,
        "--port", String.valueOf(TCP), "--http", "http://127.0.0.1:" + server.port(),
        "--client-id", "worker", "--client-secret", "worker-dev-secret", "--workflow", workflow));
    command.addAll(List.of(more));
    return command;
  }

  /** A started process whose stdout lines are queued. */
  private record Running(Process process, BlockingQueue<String> lines, StringBuilder err) {
    static Running start(List<String> command) throws IOException {
      Process process = new ProcessBuilder(command).start();
      BlockingQueue<String> lines = new LinkedBlockingQueue<>();
      StringBuilder err = new StringBuilder();
      Thread out = new Thread(() -> {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getInputStream(),
            StandardCharsets.UTF_8))) {
          reader.lines().forEach(lines::add);
        } catch (IOException e) {
          // the process ended
        }
      });
      Thread errors = new Thread(() -> {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(process.getErrorStream(),
            StandardCharsets.UTF_8))) {
          reader.lines().forEach(line -> {
            synchronized (err) {
              err.append(line).append('\n');
            }
          });
        } catch (IOException e) {
          // the process ended
        }
      });
      out.setDaemon(true);
      errors.setDaemon(true);
      out.start();
      errors.start();
      return new Running(process, lines, err);
    }

    String next(int seconds) throws InterruptedException {
      String line = lines.poll(seconds, TimeUnit.SECONDS);
      if (line == null) {
        synchronized (err) {
          throw new AssertionError("no output line within " + seconds + " s; alive: " + process.isAlive()
              + "; stderr: " + err);
        }
      }
      return line;
    }

    int await(int seconds) throws InterruptedException {
      if (!process.waitFor(seconds, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("still running after " + seconds + " s; stderr: " + err);
      }
      return process.exitValue();
    }
  }

  @ParameterizedTest(name = "{0} worker")
  @ValueSource(strings = {"python3", "node"})
  void aWorkerStopsWithinASecondOfACancel(String language) throws Exception {
    String token = server.token("ops", "acme", RW);
    String workflow = "cancel-" + language + "-" + System.nanoTime();
    server.api().create(token, new JsonObject().put("id", workflow).put("status", "running"));
    String action = server.api().post("/api/v1/workflows/" + workflow + "/actions", token,
        new JsonObject().put("type", "long-job")).bodyAsJsonObject().getString("id");
    Running worker = Running.start(command(language, "worker", workflow, "--worker", "ex-2", "--max", "1",
        "--work-seconds", "60"));
    try {
      io.flowcast.testsupport.Eventually.await("the worker holding the action", java.time.Duration.ofSeconds(30),
          () -> server.api().get("/api/v1/workflows/" + workflow + "/actions/" + action, token).bodyAsJsonObject()
              .getString("status"), "claimed"::equals);
      long cancelled = System.nanoTime();
      assertThat(server.api().post("/api/v1/workflows/" + workflow + "/cancel", token,
          new JsonObject().put("reason", "the user pressed stop")).statusCode()).isEqualTo(200);
      assertThat(worker.next(10)).isEqualTo("cancelled " + action + " long-job");
      assertThat(worker.await(10)).as("the worker exits after the cancel").isZero();
      long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - cancelled);
      // one heartbeat a second: the worker learns of the cancel at the next one (plus a loaded machine's slack)
      assertThat(tookMs).as("ms from the cancel to the worker's stop").isLessThan(8_000);
      assertThat(server.api().get("/api/v1/workflows/" + workflow + "/actions/" + action, token).bodyAsJsonObject()
          .getString("status")).as("the action was never completed").isEqualTo("claimed");
    } finally {
      worker.process().destroyForcibly();
    }
  }

  @ParameterizedTest(name = "{0} worker, {1} watcher")
  @CsvSource({"python3, node", "node, python3"})
  void aWorkerCompletesTheActionsWhileAWatcherPrintsTheEvents(String workerLanguage, String watcherLanguage)
      throws Exception {
    String token = server.token("ops", "acme", RW);
    String workflow = "example-" + workerLanguage + "-" + System.nanoTime();
    server.api().create(token, new JsonObject().put("id", workflow));

    Running watcher = Running.start(command(watcherLanguage, "watcher", workflow, "--count", "10"));
    try {
      String snapshot = watcher.next(30);
      assertThat(snapshot).startsWith("snapshot 1 ");
      assertThat(new JsonObject(snapshot.substring("snapshot 1 ".length())).getString("id")).isEqualTo(workflow);

      Set<String> queued = new TreeSet<>();
      for (int i = 0; i < 3; i++) {
        var enqueued = server.api().post("/api/v1/workflows/" + workflow + "/actions", token,
            new JsonObject().put("type", "summarize").put("payload", new JsonObject().put("n", i)));
        assertThat(enqueued.statusCode()).isEqualTo(201);
        queued.add(enqueued.bodyAsJsonObject().getString("id"));
      }
      Running worker = Running.start(command(workerLanguage, "worker", workflow, "--worker", "ex-1", "--max", "3"));
      assertThat(worker.await(60)).as("the worker's exit status; stderr: " + worker.err()).isZero();
      Set<String> completed = new TreeSet<>();
      for (String line : worker.lines()) {
        String[] parts = line.split(" ");
        assertThat(parts).as(line).hasSize(3);
        assertThat(parts[0]).isEqualTo("completed");
        assertThat(parts[2]).isEqualTo("summarize");
        completed.add(parts[1]);
      }
      assertThat(completed).isEqualTo(queued);
      for (String id : queued) {
        JsonObject action = server.api().get("/api/v1/workflows/" + workflow + "/actions/" + id, token)
            .bodyAsJsonObject();
        assertThat(action.getString("status")).isEqualTo("completed");
        assertThat(action.getJsonObject("result").getString("handled_by")).isEqualTo("ex-1");
        assertThat(action.getJsonObject("result").getJsonObject("echo").containsKey("n")).isTrue();
      }

      // 3 queued, 3 claimed, 3 completed: each printed once, in order
      List<String> types = new ArrayList<>();
      for (int seq = 2; seq <= 10; seq++) {
        String line = watcher.next(30);
        String[] parts = line.split(" ", 3);
        assertThat(Long.parseLong(parts[1])).as(line).isEqualTo(seq);
        JsonObject body = new JsonObject(parts[2]);
        assertThat(body.getString("type")).isEqualTo(parts[0]);
        assertThat(body.getLong("seq")).isEqualTo(seq);
        types.add(parts[0]);
      }
      assertThat(types).filteredOn("action.queued"::equals).hasSize(3);
      assertThat(types).filteredOn("action.claimed"::equals).hasSize(3);
      assertThat(types).filteredOn("action.completed"::equals).hasSize(3);
      assertThat(watcher.await(30)).as("the watcher exits after --count messages").isZero();
    } finally {
      watcher.process().destroyForcibly();
    }
  }
}
