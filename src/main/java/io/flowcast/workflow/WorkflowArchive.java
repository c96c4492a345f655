package io.flowcast.workflow;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * The durable record (PostgreSQL) as the Redis store reads it: workflows that left Redis (cache-aside),
 * history older than the Redis retention, and listings.
 */
public interface WorkflowArchive {

  /**
   * The workflow as last written, or null when there is none (or it was deleted). Fails with
   * {@link #incomplete} when the record misses an event after the state it holds (one set aside as
   * unwritable, or not written yet): that state is not the workflow's, and is never served as it.
   */
  Future<Workflow> load(WorkflowKey key);

  /** The failure of a {@link #load} whose record misses events after its state (a 503: retry, or an operator). */
  static io.flowcast.bus.ApiException incomplete(WorkflowKey key, long stateSeq, long lastSeq) {
    return io.flowcast.bus.ApiException.unavailable(INCOMPLETE + " '" + key.id() + "' misses events between seq "
        + stateSeq + " and " + lastSeq + " (still being written, or set aside as unwritable: see /ready); retry "
        + "shortly");
  }

  static boolean isIncomplete(Throwable err) {
    return err instanceof io.flowcast.bus.ApiException api && api.getMessage() != null
        && api.getMessage().startsWith(INCOMPLETE);
  }

  String INCOMPLETE = "the durable record of workflow";

  /** The seq of an event of the given generation, or null when the archive does not have it. */
  Future<Long> seqOf(WorkflowKey key, long generation, String eventId);

  /** Events of the given generation with seq above {@code afterSeq}, oldest first, at most {@code limit}. */
  Future<List<JsonObject>> eventsAfter(WorkflowKey key, long generation, long afterSeq, int limit);

  /**
   * The labelled snapshots the record holds for the given generation, newest first, at most
   * {@code limit}: each {@code {label, version, state, created_at}}.
   */
  Future<List<JsonObject>> snapshots(WorkflowKey key, long generation, int limit);

  Future<WorkflowPage> list(String tenant, String status, int limit, ListCursor after);
}
