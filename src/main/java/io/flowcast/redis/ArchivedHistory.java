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
 * History older than the Redis retention, read from the archive and joined to what Redis still holds,
 * so a client can resume from any event that was ever acknowledged (and flushed).
 */
final class ArchivedHistory {
  private final WorkflowArchive archive;
  private final WorkflowKey key;
  private final long generation;

  ArchivedHistory(WorkflowArchive archive, WorkflowKey key, long generation) {
    this.archive = archive;
    this.key = key;
    this.generation = generation;
  }

  /**
   * Events after {@code afterId}, which Redis no longer holds.
   *
   * @param redisAfter reads up to n events after an id from Redis: the slice says whether Redis knew the id
   */
  Future<EventSlice> after(String afterId, int limit, BiFunction<String, Integer, Future<EventSlice>> redisAfter) {
    return archive.seqOf(key, generation, afterId).compose(seq -> {
      if (seq == null) {
        return Future.succeededFuture(new EventSlice(List.of(), false, false));
      }
      return archive.eventsAfter(key, generation, seq, limit + 1).compose(archived -> {
        if (archived.size() > limit) {
          return Future.succeededFuture(new EventSlice(archived.subList(0, limit), true, true));
        }
        String last = archived.isEmpty() ? afterId : archived.get(archived.size() - 1).getString("id");
        long lastSeq = archived.isEmpty() ? seq : archived.get(archived.size() - 1).getLong("seq");
        int room = limit - archived.size();
        return redisAfter.apply(last, room).compose(recent -> recent.afterKnown() ? Future.succeededFuture(recent)
            // Redis's stream may begin right after the archive (it was put back from it): join by seq
            : redisAfter.apply(null, room).map(fromStart -> fromStart.events().isEmpty()
                || fromStart.events().get(0).getLong("seq") > lastSeq + 1
                ? null : fromStart))
            .map(recent -> {
              if (recent == null) {
                // a hole between the archive and Redis (PostgreSQL lagging behind a trimmed stream):
                // say so rather than serve a silent gap; a stream resets
                return new EventSlice(List.of(), false, false);
              }
              List<JsonObject> joined = new ArrayList<>(archived);
              recent.events().stream().filter(e -> e.getLong("seq") > lastSeq).forEach(joined::add);
              return new EventSlice(joined, true, recent.hasMore());
            });
      });
    });
  }
}
