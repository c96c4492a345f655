package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code bench write --pg-url}, {@code bench sessions}: remembers every operation the server acknowledged
 * (a PATCH by the version it answered, a published event by its seq) and, after the run, checks that PostgreSQL holds
 * the event of each one, waiting up to the drain time for the write-behind flusher.
 */
final class DurableCheck {
  private static final String EVENTS = "SELECT workflow_id, seq, version, type FROM workflow_events "
      + "WHERE tenant = $1 AND workflow_id = ANY($2)";
  /** Workflows read per query: a run on many workflows takes a few queries, not one per workflow. */
  static final int WORKFLOWS_PER_QUERY = 500;
  private static final String PATCHED = "state.updated";
  private static final long RETRY_MS = 250;

  private final BitSet[] versions;
  private final BitSet[] seqs;

  DurableCheck(int workflows) {
    versions = new BitSet[workflows];
    seqs = new BitSet[workflows];
    for (int w = 0; w < workflows; w++) {
      versions[w] = new BitSet();
      seqs[w] = new BitSet();
    }
  }

  private long unidentified;

  /** A PATCH of workflow {@code w} was acknowledged with {@code answer}, the workflow after it. */
  synchronized void patched(int w, String answer) {
    remember(versions[w], answer, "version");
  }

  /** An event published on workflow {@code w} was acknowledged with {@code answer}, the event. */
  synchronized void published(int w, String answer) {
    remember(seqs[w], answer, "seq");
  }

  /**
   * An edit of workflow {@code w} was acknowledged as {@code number}: a PATCH's version, or an event's
   * seq; {@link Long#MIN_VALUE} when the answer did not say (unidentified). For callers that read the
   * number themselves ({@code bench sessions} scans the answer instead of parsing it).
   */
  synchronized void acknowledged(int w, boolean event, long number) {
    if (number < 0 || number > Integer.MAX_VALUE) {
      unidentified++;
    } else {
      (event ? seqs[w] : versions[w]).set((int) number);
    }
  }

  /** Sets the answer's {@code field} in {@code acknowledged}; an answer without it is unidentified. */
  private void remember(BitSet acknowledged, String answer, String field) {
    Integer number = number(answer, field);
    if (number == null) {
      unidentified++;
    } else {
      acknowledged.set(number);
    }
  }

  /** The whole number {@code field} of a JSON answer; null when the answer is not one that has it. */
  private static Integer number(String answer, String field) {
    try {
      Object value = new JsonObject(answer).getValue(field);
      return value instanceof Number n && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE
          ? n.intValue() : null;
    } catch (RuntimeException notJson) {
      return null;
    }
  }

  /** Acknowledged operations whose answer did not say which event they made (not checkable). */
  synchronized long unidentified() {
    return unidentified;
  }

  synchronized long acknowledged() {
    long n = 0;
    for (int w = 0; w < versions.length; w++) {
      n += versions[w].cardinality() + seqs[w].cardinality();
    }
    return n;
  }

  /**
   * The acknowledged operations whose event PostgreSQL lacks in {@code stored}: the rows of one workflow
   * (seq, version, type). A PATCH's event is the {@code state.updated} event of its version.
   */
  synchronized long missing(int w, List<long[]> storedSeqVersionPatched) {
    BitSet haveVersions = new BitSet();
    BitSet haveSeqs = new BitSet();
    for (long[] row : storedSeqVersionPatched) {
      haveSeqs.set(Math.toIntExact(row[0]));
      if (row[2] == 1) {
        haveVersions.set(Math.toIntExact(row[1]));
      }
    }
    BitSet lackedVersions = (BitSet) versions[w].clone();
    lackedVersions.andNot(haveVersions);
    BitSet lackedSeqs = (BitSet) seqs[w].clone();
    lackedSeqs.andNot(haveSeqs);
    return lackedVersions.cardinality() + lackedSeqs.cardinality();
  }

  /**
   * Checks PostgreSQL at {@code pgUrl} for the workflows {@code ids} (index = workflow) of {@code tenant},
   * again every 250 ms for those still lacking events, until {@code drainSeconds} have passed.
   */
  Future<JsonObject> verify(Vertx vertx, String pgUrl, String tenant, List<String> ids, int drainSeconds) {
    Pool pool = PgBuilder.pool().with(new PoolOptions().setMaxSize(2))
        .connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
    long started = System.nanoTime();
    long deadline = started + drainSeconds * 1_000_000_000L;
    List<Integer> all = new ArrayList<>();
    for (int w = 0; w < ids.size(); w++) {
      all.add(w);
    }
    return round(vertx, pool, tenant, ids, all, deadline)
        .map(missing -> {
          long unknown = unidentified();
          return new JsonObject().put("ok", missing == 0 && unknown == 0).put("acknowledged", acknowledged())
              .put("found", acknowledged() - missing).put("missing", missing).put("unidentified", unknown)
              .put("waited_ms", (System.nanoTime() - started) / 1_000_000);
        })
        .recover(err -> Future.succeededFuture(new JsonObject().put("ok", false).put("acknowledged", acknowledged())
            .put("error", "cannot read workflow_events at --pg-url: " + err.getMessage())))
        .eventually(() -> pool.close());
  }

  /** One look at the workflows {@code pending}; then again for those still lacking, or the total lacked. */
  private Future<Long> round(Vertx vertx, Pool pool, String tenant, List<String> ids, List<Integer> pending,
      long deadline) {
    List<Integer> lacking = new ArrayList<>();
    long[] missing = {0};
    Future<Void> looked = Future.succeededFuture();
    for (int from = 0; from < pending.size(); from += WORKFLOWS_PER_QUERY) {
      List<Integer> chunk = pending.subList(from, Math.min(pending.size(), from + WORKFLOWS_PER_QUERY));
      looked = looked.compose(v -> look(pool, tenant, ids, chunk).map(stored -> {
        for (int w : chunk) {
          long lacked = missing(w, stored.getOrDefault(ids.get(w), List.of()));
          if (lacked > 0) {
            lacking.add(w);
            missing[0] += lacked;
          }
        }
        return null;
      }));
    }
    return looked.compose(v -> {
      if (lacking.isEmpty() || System.nanoTime() > deadline) {
        return Future.succeededFuture(missing[0]);
      }
      return sleep(vertx, RETRY_MS).compose(x -> round(vertx, pool, tenant, ids, lacking, deadline));
    });
  }

  /** The stored events (seq, version, whether a PATCH's) of the workflows {@code chunk}, by workflow id. */
  private static Future<Map<String, List<long[]>>> look(Pool pool, String tenant, List<String> ids,
      List<Integer> chunk) {
    String[] wanted = chunk.stream().map(ids::get).toArray(String[]::new);
    return pool.preparedQuery(EVENTS).execute(Tuple.tuple().addString(tenant).addArrayOfString(wanted)).map(rows -> {
      Map<String, List<long[]>> stored = new HashMap<>();
      for (Row row : rows) {
        stored.computeIfAbsent(row.getString("workflow_id"), id -> new ArrayList<>()).add(new long[] {
            row.getLong("seq"), row.getLong("version"), PATCHED.equals(row.getString("type")) ? 1 : 0});
      }
      return stored;
    });
  }

  private static Future<Void> sleep(Vertx vertx, long ms) {
    return Future.future(p -> vertx.setTimer(ms, id -> p.complete()));
  }
}
