package io.flowcast.testsupport;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Writers for fault tests: one thread per workflow, each posting numbered events to its instance until
 * stopped, remembering what each acknowledgement said; then an audit of the histories against what was
 * acknowledged: lost, renumbered (an acknowledged id naming another event), duplicated.
 */
public final class Writers {
  /**
   * What one writer was told: the id of an event it sent, and the number it carried; when it sent the
   * write and when the answer came ({@link System#nanoTime}), to tell what was acknowledged during a fault.
   */
  public record Acknowledged(String workflow, String id, int n, long sentNanos, long answeredNanos) {
  }

  /** A write that was not acknowledged: {@code answer} is the status code, or "no answer". */
  public record Refused(String workflow, int n, String answer) {
  }

  /**
   * What the audit found; {@code storedThoughRefused} are refused writes that are in the history all the
   * same (a 502 for a write that happened, say).
   */
  public record Audit(int acknowledged, int lost, int renumbered, int duplicated, Map<String, Integer> refused,
      List<Refused> storedThoughRefused) {
    @Override
    public String toString() {
      return "acknowledged " + acknowledged + ", lost " + lost + ", renumbered " + renumbered + ", duplicated "
          + duplicated + ", refused " + refused + ", stored though refused " + storedThoughRefused;
    }
  }

  private final List<Acknowledged> acknowledged = new ArrayList<>();
  private final Map<String, Integer> refused = new ConcurrentHashMap<>();
  private final List<Refused> refusals = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger acknowledgedSoFar = new AtomicInteger();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final List<Thread> threads = new ArrayList<>();

  /** Starts one writer per workflow {@code w<i>}, writer i on instance i modulo the instances. */
  public static Writers start(List<Api> instances, String token, int count) {
    Writers writers = new Writers();
    for (int w = 0; w < count; w++) {
      Api instance = instances.get(w % instances.size());
      String workflow = "w" + w;
      Thread thread = new Thread(() -> writers.write(instance, token, workflow), "writer-" + w);
      thread.start();
      writers.threads.add(thread);
    }
    return writers;
  }

  private void write(Api instance, String token, String workflow) {
    List<Acknowledged> mine = new ArrayList<>();
    for (int n = 0; running.get(); n++) {
      long sent = System.nanoTime();
      try {
        // the request id names the write, so a balancer's log line can be matched to it
        var r = instance.send(io.vertx.core.http.HttpMethod.POST, "/api/v1/workflows/" + workflow + "/events", token,
            new JsonObject().put("type", "tick").put("data", new JsonObject().put("n", n)).toBuffer(),
            "application/json", io.vertx.core.MultiMap.caseInsensitiveMultiMap().add("X-Request-Id", requestId(workflow, n)));
        if (r.statusCode() == 201) {
          mine.add(new Acknowledged(workflow, r.bodyAsJsonObject().getString("id"), n, sent, System.nanoTime()));
          acknowledgedSoFar.incrementAndGet();
        } else {
          refuse(workflow, n, String.valueOf(r.statusCode()));
        }
      } catch (RuntimeException e) {
        // the instance is gone (killed): nothing was acknowledged
        refuse(workflow, n, "no answer");
        try {
          Thread.sleep(50);
        } catch (InterruptedException interrupted) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
    synchronized (acknowledged) {
      acknowledged.addAll(mine);
    }
  }

  /** The {@code X-Request-Id} a writer sends with write {@code n} to {@code workflow}. */
  public static String requestId(String workflow, int n) {
    return workflow + "-" + n;
  }

  private void refuse(String workflow, int n, String answer) {
    refused.merge(answer, 1, Integer::sum);
    refusals.add(new Refused(workflow, n, answer));
  }

  /** Stops the writers and waits for them. */
  public Writers stop() throws InterruptedException {
    running.set(false);
    for (Thread thread : threads) {
      thread.join(30_000);
    }
    return this;
  }

  /** What was acknowledged (complete once the writers are stopped). */
  public List<Acknowledged> acknowledged() {
    synchronized (acknowledged) {
      return List.copyOf(acknowledged);
    }
  }

  /** How many writes were acknowledged so far, while the writers run. */
  public int acknowledgedSoFar() {
    return acknowledgedSoFar.get();
  }

  /** How many writes were answered {@code answer} (a status code, or "no answer") so far. */
  public int refusedSoFar(String answer) {
    return refused.getOrDefault(answer, 0);
  }

  public int acknowledgedCount() {
    synchronized (acknowledged) {
      return acknowledged.size();
    }
  }

  /** Audits the workflows' histories as {@code reader} serves them (from the first event on). */
  public Audit audit(Api reader, String token) {
    Map<String, Integer> carried = new HashMap<>();
    Set<String> stored = new HashSet<>();
    int duplicated = 0;
    for (int w = 0; w < threads.size(); w++) {
      Set<String> seen = new HashSet<>();
      for (JsonObject event : history(reader, token, "w" + w)) {
        if (!seen.add(event.getString("id"))) {
          duplicated++;
        }
        JsonObject data = event.getValue("data") instanceof JsonObject o ? o : null;
        if (data != null && data.containsKey("n")) {
          carried.put(event.getString("id"), data.getInteger("n"));
          stored.add("w" + w + "/" + data.getInteger("n"));
        }
      }
    }
    int lost = 0;
    int renumbered = 0;
    synchronized (acknowledged) {
      for (Acknowledged ack : acknowledged) {
        Integer n = carried.get(ack.id());
        if (n == null) {
          lost++;
        } else if (n != ack.n()) {
          renumbered++;
        }
      }
      List<Refused> storedThoughRefused;
      synchronized (refusals) {
        storedThoughRefused = refusals.stream().filter(r -> stored.contains(r.workflow() + "/" + r.n())).toList();
      }
      return new Audit(acknowledged.size(), lost, renumbered, duplicated, Map.copyOf(refused), storedThoughRefused);
    }
  }

  /** A workflow's whole history, page by page. */
  public static List<JsonObject> history(Api reader, String token, String workflow) {
    List<JsonObject> events = new ArrayList<>();
    String after = null;
    while (true) {
      String path = "/api/v1/workflows/" + workflow + "/events?limit=1000" + (after == null ? "" : "&after=" + after);
      // what was stored is the question, not whether the service is back yet: a 503 (Redis failing
      // over, say) is asked again
      JsonObject page = Eventually.await("a page of " + workflow + "'s history", java.time.Duration.ofSeconds(20),
          () -> reader.get(path, token), r -> r.statusCode() != 503).bodyAsJsonObject();
      JsonArray batch = page.getJsonArray("events");
      batch.forEach(e -> events.add((JsonObject) e));
      if (!page.getBoolean("has_more") || batch.isEmpty()) {
        return events;
      }
      after = events.get(events.size() - 1).getString("id");
    }
  }
}
