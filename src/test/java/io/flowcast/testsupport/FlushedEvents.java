package io.flowcast.testsupport;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What PostgreSQL's {@code workflow_events} holds of the {@link Writers}' workflows, audited against what
 * the writers were told: an acknowledged event missing is lost, one whose row carries another writer's
 * number is renumbered, a (workflow, seq) or a write found in two rows is duplicated.
 */
public final class FlushedEvents {
  /** The audit of PostgreSQL's rows; {@code rows} counts every row of the tenant. */
  public record Audit(int acknowledged, int rows, int lost, int renumbered, int duplicated) {
    @Override
    public String toString() {
      return "acknowledged " + acknowledged + ", rows in PostgreSQL " + rows + ", lost " + lost + ", renumbered "
          + renumbered + ", duplicated " + duplicated;
    }
  }

  private record Stored(String workflow, long seq, String id, Integer n) {
  }

  private FlushedEvents() {
  }

  /**
   * Waits until PostgreSQL holds each workflow's whole history as {@code reader} serves it (the flush
   * caught up), checks it holds exactly that history (seq 1 on, no gap, the same ids in the same order)
   * and that the workflow's record names its newest event, then audits the acknowledged writes against
   * its rows. {@code writers} must be stopped.
   */
  private static boolean accepting(Pool pg) {
    try {
      pg.query("SELECT 1").execute().await();
      return true;
    } catch (Exception e) { // 57P03, or the connection refused (await rethrows either as it is)
      return false;
    }
  }

  public static Audit await(Pool pg, String tenant, Api reader, String token, Writers writers, int workflows,
      Duration within) {
    // after a crash PostgreSQL refuses connections until its recovery ends (57P03): wait for that first
    Eventually.until("PostgreSQL accepting connections", within, () -> accepting(pg));
    for (int w = 0; w < workflows; w++) {
      String workflow = "w" + w;
      List<String> history = Writers.history(reader, token, workflow).stream().map(e -> e.getString("id")).toList();
      List<Stored> flushed = Eventually.await(workflow + "'s " + history.size() + " events flushed", within,
          () -> rows(pg, tenant, workflow), rows -> rows.size() >= history.size());
      assertThat(flushed.stream().map(Stored::id).toList()).as("%s in PostgreSQL: its history, once", workflow)
          .containsExactlyElementsOf(history);
      assertThat(flushed.stream().map(Stored::seq).toList()).as("%s's seqs from 1, no gap", workflow)
          .containsExactlyElementsOf(LongStream.rangeClosed(1, history.size()).boxed().toList());
      Row record = pg.preparedQuery("SELECT last_seq, last_event_id FROM workflows WHERE tenant = $1 AND id = $2")
          .execute(Tuple.of(tenant, workflow)).await().iterator().next();
      assertThat(record.getLong("last_seq")).as("%s's record names its newest event", workflow).isEqualTo(history.size());
      assertThat(record.getString("last_event_id")).isEqualTo(history.get(history.size() - 1));
    }
    List<Stored> all = rows(pg, tenant, null);
    Map<String, List<Stored>> byId = new HashMap<>();
    Set<String> seqs = new HashSet<>();
    Set<String> writes = new HashSet<>();
    int duplicated = 0;
    for (Stored row : all) {
      byId.computeIfAbsent(row.id(), id -> new ArrayList<>()).add(row);
      if (!seqs.add(row.workflow() + "/" + row.seq()) || (row.n() != null && !writes.add(row.workflow() + "/" + row.n()))) {
        duplicated++;
      }
    }
    int lost = 0;
    int renumbered = 0;
    List<Writers.Acknowledged> acknowledged = writers.acknowledged();
    for (Writers.Acknowledged ack : acknowledged) {
      List<Stored> found = byId.getOrDefault(ack.id(), List.of());
      if (found.isEmpty()) {
        lost++;
      } else if (found.stream().anyMatch(r -> !r.workflow().equals(ack.workflow()) || !Integer.valueOf(ack.n()).equals(r.n()))) {
        renumbered++;
      }
      if (found.size() > 1) {
        duplicated += found.size() - 1;
      }
    }
    return new Audit(acknowledged.size(), all.size(), lost, renumbered, duplicated);
  }

  /** How many events of {@code tenant} PostgreSQL holds. */
  public static long count(Pool pg, String tenant) {
    return pg.preparedQuery("SELECT count(*) AS n FROM workflow_events WHERE tenant = $1").execute(Tuple.of(tenant))
        .await().iterator().next().getLong("n");
  }

  /** The tenant's rows (of one workflow, or all), in (workflow, seq) order, with the number a writer put in each. */
  private static List<Stored> rows(Pool pg, String tenant, String workflow) {
    List<Stored> rows = new ArrayList<>();
    String query = "SELECT workflow_id, seq, event_id, body FROM workflow_events WHERE tenant = $1"
        + (workflow == null ? "" : " AND workflow_id = $2") + " ORDER BY workflow_id, generation, seq";
    Tuple args = workflow == null ? Tuple.of(tenant) : Tuple.of(tenant, workflow);
    for (Row row : pg.preparedQuery(query).execute(args).await()) {
      JsonObject body = new JsonObject(row.getString("body"));
      JsonObject data = body.getValue("data") instanceof JsonObject d ? d : null;
      rows.add(new Stored(row.getString("workflow_id"), row.getLong("seq"), row.getString("event_id"),
          data == null ? null : data.getInteger("n")));
    }
    return rows;
  }
}
