package io.flowcast.redis;

import io.flowcast.workflow.ListCursor;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.Times;
import io.flowcast.workflow.WorkflowPage;
import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;

/**
 * Lists a tenant's workflows from Redis: the tenant index newest first (ids descending on equal times),
 * the state hashes read at once (one small pipeline each: they lie in different slots); workflows that expired are dropped from the index as they are met.
 */
final class RedisListing {
  private final RedisCalls calls;

  private final java.time.Clock clock;

  RedisListing(RedisCalls calls, java.time.Clock clock) {
    this.calls = calls;
    this.clock = clock;
  }

  Future<WorkflowPage> list(String tenant, String status, int limit, ListCursor after) {
    return collect(tenant, status, limit, after, 0, new ArrayList<>());
  }

  private Future<WorkflowPage> collect(String tenant, String status, int limit, ListCursor after, int offset,
      List<Workflow> items) {
    int batch = Math.max(limit * 2, 16);
    RedisKeys keys = calls.keys();
    String index = keys.tenantIndex(tenant);
    Request range = Request.cmd(Command.ZRANGE).arg(index)
        .arg(after == null ? "+inf" : String.valueOf(after.createdMillis())).arg("-inf")
        .arg("BYSCORE").arg("REV").arg("LIMIT").arg(offset).arg(batch).arg("WITHSCORES");
    return calls.send(range).compose(entries -> {
      boolean exhausted = entries.size() / 2 < batch;
      List<String> ids = new ArrayList<>();
      for (int i = 0; i + 1 < entries.size(); i += 2) {
        String id = entries.get(i).toString();
        long millis = (long) Double.parseDouble(entries.get(i + 1).toString());
        if (after == null || after.before(millis, id)) {
          ids.add(id);
        }
      }
      if (ids.isEmpty()) {
        return exhausted ? Future.succeededFuture(new WorkflowPage(items, null))
            : collect(tenant, status, limit, after, offset + batch, items);
      }
      // one small pipeline per workflow, all at once: the state hashes lie in different slots (shards)
      List<Future<List<Response>>> reads = new ArrayList<>();
      ids.forEach(id -> {
        String key = keys.state(new WorkflowKey(tenant, id));
        reads.add(calls.send(List.of(Request.cmd(Command.HGETALL).arg(key), Request.cmd(Command.PTTL).arg(key))));
      });
      return Future.all(reads).map(done -> reads.stream().flatMap(r -> r.result().stream()).toList())
          .compose(hashes -> {
        List<String> gone = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++) {
          Response hash = hashes.get(2 * i);
          long pttl = hashes.get(2 * i + 1).toLong();
          if (hash == null || hash.size() == 0) {
            gone.add(ids.get(i));
            continue;
          }
          // a listing does not refresh the TTL: the workflow expires when Redis says
          java.time.Instant now = Times.now(clock);
          Workflow w = RedisWorkflowStore.workflow(new WorkflowKey(tenant, ids.get(i)), hash, now,
              now.plusMillis(Math.max(0, pttl)));
          if (status != null && !status.equals(w.status())) {
            continue;
          }
          if (items.size() == limit) {
            Workflow last = items.get(items.size() - 1);
            return forget(index, gone).map(v -> new WorkflowPage(items,
                new ListCursor(last.createdAt().toEpochMilli(), last.key().id()).encode()));
          }
          items.add(w);
        }
        return forget(index, gone).compose(v -> exhausted ? Future.succeededFuture(new WorkflowPage(items, null))
            : collect(tenant, status, limit, after, offset + batch, items));
      });
    });
  }

  private Future<Void> forget(String index, List<String> ids) {
    if (ids.isEmpty()) {
      return Future.succeededFuture();
    }
    Request rem = Request.cmd(Command.ZREM).arg(index);
    ids.forEach(rem::arg);
    return calls.send(rem).mapEmpty();
  }
}
