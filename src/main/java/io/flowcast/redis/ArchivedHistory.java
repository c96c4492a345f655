package io.flowcast.redis;

import io.flowcast.workflow.EventSlice;
import io.flowcast.workflow.WorkflowArchive;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BiFunction;

/**
 * History Redis does not hold (older than its retention, or lost with Redis's data and read back since),
 * read from the archive and joined to what Redis still holds, so a client can read from the start or
 * resume from any event that was ever acknowledged and flushed.
 */
final class ArchivedHistory {
  private final WorkflowArchive archive;
  private final WorkflowKey key;
  private final long generation;
  private final long lastSeq;

  /** @param lastSeq the workflow's newest event, as Redis knows it */
  ArchivedHistory(WorkflowArchive archive, WorkflowKey key, long generation, long lastSeq) {
    this.archive = archive;
    this.key = key;
    this.generation = generation;
    this.lastSeq = lastSeq;
  }

  /**
   * Events after {@code afterId}, which Redis no longer holds.
   *
   * @param redisAfter reads up to n events after an id (null: from the start) from Redis: the slice says
   *                   whether Redis knew the id
   */
  Future<EventSlice> after(String afterId, int limit, BiFunction<String, Integer, Future<EventSlice>> redisAfter) {
    return archive.seqOf(key, generation, afterId).compose(seq -> seq == null
        ? Future.succeededFuture(new EventSlice(List.of(), false, false))
        : from(seq, afterId, limit, redisAfter));
  }

  /** Every event from the first, where Redis's stream begins later (trimmed, or put back from the archive). */
  Future<EventSlice> fromStart(int limit, BiFunction<String, Integer, Future<EventSlice>> redisAfter) {
    return from(0, null, limit, redisAfter);
  }

  private Future<EventSlice> from(long seq, String afterId, int limit,
      BiFunction<String, Integer, Future<EventSlice>> redisAfter) {
    return archive.eventsAfter(key, generation, seq, limit + 1).compose(archived -> {
      if (archived.size() > limit) {
        return Future.succeededFuture(new EventSlice(archived.subList(0, limit), true, true));
      }
      String last = archived.isEmpty() ? afterId : archived.get(archived.size() - 1).getString("id");
      long archivedSeq = archived.isEmpty() ? seq : archived.get(archived.size() - 1).getLong("seq");
      int room = limit - archived.size();
      Future<EventSlice> fromRedis = last == null ? redisAfter.apply(null, room) : redisAfter.apply(last, room)
          .compose(recent -> recent.afterKnown() ? Future.succeededFuture(recent)
              // Redis's stream may begin right after the archive (it was put back from it): join by seq
              : redisAfter.apply(null, room));
      return fromRedis.map(recent -> {
        boolean joins = recent.events().isEmpty() ? archivedSeq >= lastSeq
            : recent.events().get(0).getLong("seq") <= archivedSeq + 1;
        if (!joins) {
          // a hole between the archive and Redis (PostgreSQL lagging behind a trimmed stream):
          // say so rather than serve a silent gap; a stream resets
          return new EventSlice(List.of(), false, false);
        }
        List<JsonObject> joined = new ArrayList<>(archived);
        recent.events().stream().filter(e -> e.getLong("seq") > archivedSeq).forEach(joined::add);
        return new EventSlice(joined, true, recent.hasMore());
      });
    });
  }
}
