package io.flowcast.presence;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;

import java.time.Instant;
import java.util.List;

/**
 * Who watches a workflow (docs/API.md, "Presence"): leases beside it, one per holder (a stream, or the
 * subject's {@code PUT}) and subject, each running until its expiry unless renewed. A backend capability
 * ({@code memory.InMemoryPresence}, {@code redis.RedisPresence}), the same on both: every call first drops
 * the leases that ran out by {@code now}, then makes its change, and appends in the same atomic step one
 * event per member whose presence changed ({@code presence.joined}, {@code presence.updated},
 * {@code presence.left}); a workflow in a terminal status keeps its leases but takes no event. 404 for an
 * unknown workflow.
 */
public interface Presence {
  /** The holder of the lease a subject sets with {@code PUT .../presence} (a stream's is its own). */
  String API_HOLDER = "api";

  /** The members after a call, sorted by subject, and the events it appended (in order). */
  record Outcome(List<Member> members, List<Mutation> events) {
  }

  /** Sets the lease of {@code holder} and {@code actor}'s subject: {@code status} (null: none) until {@code expires}. */
  Future<Outcome> set(WorkflowKey key, String holder, String status, Instant now, Instant expires, Actor actor);

  /** Drops the lease of {@code holder} and {@code actor}'s subject (nothing when there is none). */
  Future<Outcome> leave(WorkflowKey key, String holder, Instant now, Actor actor);

  /** The members as of {@code now} (leases that ran out are dropped, and their members' leaving recorded). */
  Future<Outcome> list(WorkflowKey key, Instant now);

  /** Up to {@code limit} workflows that may hold a lease that ran out by {@code now} (to {@link #list} them). */
  Future<List<WorkflowKey>> due(Instant now, int limit);
}
