package io.flowcast.redis;

import io.flowcast.workflow.WorkflowKey;

/**
 * Redis key and channel names. Every key of one workflow carries the hash tag {@code {<tenant>:<id>}},
 * so one Lua script may touch them together and the layout runs unchanged on Redis Cluster.
 */
public final class RedisKeys {
  public static final String CHANNEL_PREFIX = "workflow:channel:";
  public static final String STATE_PREFIX = "workflow:state:";

  /**
   * The write buffer between Redis and PostgreSQL: one entry per event, read by the flushers of every
   * instance through one consumer group. (A key of its own: on Redis Cluster it would need sharding by
   * hash slot, see docs/REDIS.md.)
   */
  public static final String OUTBOX = "flowcast:outbox";
  public static final String OUTBOX_GROUP = "flushers";
  /** Buffered entries PostgreSQL refused (bad data), kept for an operator instead of blocking the flush. */
  public static final String OUTBOX_DEAD = "flowcast:outbox:dead";

  private RedisKeys() {
  }

  /** The state hash: status, state, metadata, version, timestamps, ttl, schema, last event. */
  public static String state(WorkflowKey key) {
    return STATE_PREFIX + "{" + key.tag() + "}";
  }

  /** The event log, a Redis Stream. */
  public static String events(WorkflowKey key) {
    return "workflow:events:{" + key.tag() + "}";
  }

  /**
   * With persistence: the newest event of this id (generation, seq, deleted), kept after the state left
   * Redis, so a reload from PostgreSQL can tell whether PostgreSQL is up to date.
   */
  public static String mark(WorkflowKey key) {
    return "workflow:mark:{" + key.tag() + "}";
  }

  /** Review drafts by section (a hash of JSON values: the revisions kept for undo); Redis only. */
  public static String drafts(WorkflowKey key) {
    return "workflow:drafts:{" + key.tag() + "}";
  }

  /** Labelled snapshots of the state (a hash of JSON values), bounded in count. */
  public static String snapshots(WorkflowKey key) {
    return "workflow:snapshots:{" + key.tag() + "}";
  }

  /** The workflow's actions by id (a hash of JSON records: type, payload, status, lease, result). */
  public static String actions(WorkflowKey key) {
    return "workflow:actions:{" + key.tag() + "}";
  }

  /** The action queue: a Redis Stream read by the workers' consumer group; pending entries are claimed ones. */
  public static String queue(WorkflowKey key) {
    return "workflow:queue:{" + key.tag() + "}";
  }

  /** Claimed actions by lease deadline (epoch ms), so an expired lease is found without scanning. */
  public static String leases(WorkflowKey key) {
    return "workflow:leases:{" + key.tag() + "}";
  }

  /** The keys of a workflow that live only as long as it does, in the order the scripts expect. */
  public static java.util.List<String> sideKeys(WorkflowKey key) {
    return java.util.List.of(drafts(key), snapshots(key), actions(key), queue(key), leases(key));
  }

  /** The pub/sub channel that carries the workflow's events to every instance. */
  public static String channel(String workflowTag) {
    return CHANNEL_PREFIX + "{" + workflowTag + "}";
  }

  /** A tenant's workflows by creation time (a sorted set; its own hash tag, updated beside the scripts). */
  public static String tenantIndex(String tenant) {
    return "workflow:index:{" + tenant + "}";
  }

  /** The workflow tag inside a channel or key name with a {@code {tag}} part, or null. */
  public static String tagOf(String name) {
    int open = name.indexOf('{');
    int close = name.lastIndexOf('}');
    return open < 0 || close <= open ? null : name.substring(open + 1, close);
  }
}
