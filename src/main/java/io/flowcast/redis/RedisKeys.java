package io.flowcast.redis;

import io.flowcast.workflow.WorkflowKey;

import java.util.List;

/**
 * Redis key and channel names, every one under the configured prefix ({@code redis.key_prefix}), so
 * several deployments (or test classes) share one Redis without meeting. Every key of one workflow
 * carries the hash tag {@code {<tenant>:<id>}}, so one Lua script may touch them together and the
 * layout runs unchanged on Redis Cluster.
 */
public final class RedisKeys {
  /** The write buffer's consumer group: the flushers of every instance read through it. */
  public static final String OUTBOX_GROUP = "flushers";
  private static final String STATE = "workflow:state:";
  private static final String CHANNEL = "workflow:channel:";
  private static final String INSTANCES_TAG = "{instances}";

  private final String prefix;

  /** @param prefix put in front of every key and channel; empty for none */
  public RedisKeys(String prefix) {
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("a key prefix may not contain a hash tag");
    }
    this.prefix = prefix;
  }

  public String prefix() {
    return prefix;
  }

  /** The state hash: status, state, metadata, version, timestamps, ttl, schema, epoch, last event. */
  public String state(WorkflowKey key) {
    return prefix + STATE + "{" + key.tag() + "}";
  }

  /** The event log, a Redis Stream. */
  public String events(WorkflowKey key) {
    return prefix + "workflow:events:{" + key.tag() + "}";
  }

  /**
   * With persistence: the newest event of this id (generation, seq, deleted), kept after the state left
   * Redis, so a reload from PostgreSQL can tell whether PostgreSQL is up to date.
   */
  public String mark(WorkflowKey key) {
    return prefix + "workflow:mark:{" + key.tag() + "}";
  }

  /** Review drafts by section (a hash of JSON values: the revisions kept for undo). */
  public String drafts(WorkflowKey key) {
    return prefix + "workflow:drafts:{" + key.tag() + "}";
  }

  /** Labelled snapshots of the state (a hash of JSON values), bounded in count. */
  public String snapshots(WorkflowKey key) {
    return prefix + "workflow:snapshots:{" + key.tag() + "}";
  }

  /** The workflow's actions by id (a hash of JSON records: type, payload, status, lease, result). */
  public String actions(WorkflowKey key) {
    return prefix + "workflow:actions:{" + key.tag() + "}";
  }

  /** The action queue: a Redis Stream read by the workers' consumer group; pending entries are claimed ones. */
  public String queue(WorkflowKey key) {
    return prefix + "workflow:queue:{" + key.tag() + "}";
  }

  /** Claimed actions by lease deadline (epoch ms), so an expired lease is found without scanning. */
  public String leases(WorkflowKey key) {
    return prefix + "workflow:leases:{" + key.tag() + "}";
  }

  /** The keys of a workflow that live only as long as it does, in the order the scripts expect. */
  public List<String> sideKeys(WorkflowKey key) {
    return List.of(drafts(key), snapshots(key), actions(key), queue(key), leases(key));
  }

  /** A tenant's workflows by creation time (a sorted set; its own hash tag, updated beside the scripts). */
  public String tenantIndex(String tenant) {
    return prefix + "workflow:index:{" + tenant + "}";
  }

  /**
   * The write buffer between Redis and PostgreSQL: one entry per event, read by the flushers of every
   * instance through one consumer group. (A key of its own: on Redis Cluster it would need sharding by
   * hash slot, see docs/REDIS.md.)
   */
  public String outbox() {
    return prefix + "flowcast:outbox";
  }

  /** The bytes the write buffer's entries hold (a counter the scripts and the flusher keep). */
  public String outboxBytes() {
    return prefix + "flowcast:outbox:bytes";
  }

  /** Buffered entries PostgreSQL refused (bad data), kept for an operator instead of blocking the flush. */
  public String outboxDead() {
    return prefix + "flowcast:outbox:dead";
  }

  /** The refresh tokens of one login session (token family). */
  public String refreshFamily(String family) {
    return prefix + "auth:refresh:{" + family + "}";
  }

  /** A revoked session, kept until its last access token expires. */
  public String revokedSession(String sid) {
    return prefix + "auth:revoked:{" + sid + "}";
  }

  /** Where revoked sessions are matched when scanning at start. */
  public String revokedSessionPattern() {
    return prefix + "auth:revoked:*";
  }

  /** The sid of a {@link #revokedSession} key. */
  public String sidOfRevoked(String key) {
    return tagOf(key);
  }

  /** A rate limit's state for one policy and partition. */
  public String rateLimit(String policy, String partition) {
    return prefix + "ratelimit:" + policy + ":{" + partition + "}";
  }

  /** The pub/sub channel that carries the workflow's events to every instance. */
  public String channel(String workflowTag) {
    return prefix + CHANNEL + "{" + workflowTag + "}";
  }

  /** The workflow tag of a {@link #channel}, or null when {@code channel} is not one. */
  public String tagOfChannel(String channel) {
    return channel.startsWith(prefix + CHANNEL) ? tagOf(channel) : null;
  }

  /** The workflow tag of an expired {@link #state} key, or null when {@code key} is not one of this prefix. */
  public String tagOfState(String key) {
    String tag = key.startsWith(prefix + STATE) ? tagOf(key) : null;
    return tag != null && tag.indexOf(':') > 0 ? tag : null;
  }

  /** The channel on which the token service of any instance announces a revoked session. */
  public String revocations() {
    return prefix + "flowcast:revocations";
  }

  /**
   * The instance registry's index: instance ids scored by the end of their record's lease. Its hash tag
   * is the one of every {@link #instance} record, so they share a slot on Redis Cluster.
   */
  public String instanceIndex() {
    return prefix + "flowcast:instances:" + INSTANCES_TAG;
  }

  /** One instance's record in the registry (JSON, with a TTL). */
  public String instance(String id) {
    return prefix + "flowcast:instance:" + INSTANCES_TAG + ":" + id;
  }

  /** A channel of one instance's own, to probe its subscribed connection end to end. */
  public String probeChannel(String instance) {
    return prefix + "flowcast:probe:" + instance;
  }

  private static String tagOf(String name) {
    int open = name.indexOf('{');
    int close = name.lastIndexOf('}');
    return open < 0 || close <= open ? null : name.substring(open + 1, close);
  }
}
