package io.flowcast.redis;

import io.flowcast.workflow.WorkflowKey;

import java.util.List;

/**
 * Redis key and channel names, every one under the configured prefix ({@code redis.key_prefix}), so
 * several deployments (or test classes) share one Redis without meeting. Workflows are spread over
 * {@code redis.shards} shards by a stable hash of their tenant and id; every key of a workflow, its event
 * channel, and its shard's write buffer and byte count carry the shard's hash tag {@code {s<n>}}, so one
 * Lua script touches keys of one hash slot only, on a standalone Redis and on Redis Cluster alike. The
 * workflow's own name ({@code <tenant>:<id>}) follows the tag.
 */
public final class RedisKeys {
  /** The write buffer's consumer group: the flushers of every instance read through it. */
  public static final String OUTBOX_GROUP = "flushers";
  /** Shards when none are configured: enough to spread over a few masters, few enough to read them all often. */
  public static final int DEFAULT_SHARDS = 16;
  private static final String STATE = "workflow:state:";
  private static final String CHANNEL = "workflow:channel:";
  private static final String FEED = "workflow:feed:";
  private static final String INSTANCES_TAG = "{instances}";

  private final String prefix;
  private final int shards;

  /** @param prefix put in front of every key and channel; empty for none */
  public RedisKeys(String prefix) {
    this(prefix, DEFAULT_SHARDS);
  }

  /** @param shards how many write-buffer shards the workflows are spread over (a power of two) */
  public RedisKeys(String prefix, int shards) {
    if (prefix.indexOf('{') >= 0 || prefix.indexOf('}') >= 0) {
      throw new IllegalArgumentException("a key prefix may not contain a hash tag");
    }
    if (shards < 1 || Integer.bitCount(shards) != 1) {
      throw new IllegalArgumentException("shards must be a power of two");
    }
    this.prefix = prefix;
    this.shards = shards;
  }

  public String prefix() {
    return prefix;
  }

  /** How many shards there are: the write buffer has one stream per shard. */
  public int shards() {
    return shards;
  }

  /** The shard of a workflow: CRC-32 of its tag, so every instance (and release) agrees. */
  public int shard(String workflowTag) {
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(workflowTag.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    return (int) (crc.getValue() & (shards - 1));
  }

  /** The hash tag of a shard, braces included: every key of the shard's workflows carries it. */
  public static String shardTag(int shard) {
    return "{s" + shard + "}";
  }

  /** The shard tag followed by the workflow's own name: the part every key of the workflow ends with. */
  private String named(String workflowTag) {
    return shardTag(shard(workflowTag)) + workflowTag;
  }

  private String named(WorkflowKey key) {
    return named(key.tag());
  }

  /** The state hash: status, state, metadata, version, timestamps, ttl, schema, epoch, last event. */
  public String state(WorkflowKey key) {
    return prefix + STATE + named(key);
  }

  /** The event log, a Redis Stream. */
  public String events(WorkflowKey key) {
    return prefix + "workflow:events:" + named(key);
  }

  /**
   * With persistence: the newest event of this id (generation, seq, deleted), kept after the state left
   * Redis, so a reload from PostgreSQL can tell whether PostgreSQL is up to date.
   */
  public String mark(WorkflowKey key) {
    return prefix + "workflow:mark:" + named(key);
  }

  /**
   * An Idempotency-Key record of a request that changes the workflow (a hash; {@code digest} names the
   * subject, method, path and key): in the workflow's slot, so the workflow's scripts take it into their step.
   */
  public String idempotency(WorkflowKey key, String digest) {
    return prefix + "workflow:idem:" + named(key) + ":" + digest;
  }

  /** Review drafts by section (a hash of JSON values: the revisions kept for undo). */
  public String drafts(WorkflowKey key) {
    return prefix + "workflow:drafts:" + named(key);
  }

  /** Labelled snapshots of the state (a hash of JSON values), bounded in count. */
  public String snapshots(WorkflowKey key) {
    return prefix + "workflow:snapshots:" + named(key);
  }

  /** The workflow's actions by id (a hash of JSON records: type, payload, status, lease, result). */
  public String actions(WorkflowKey key) {
    return prefix + "workflow:actions:" + named(key);
  }

  /** The action queue: a Redis Stream read by the workers' consumer group; pending entries are claimed ones. */
  public String queue(WorkflowKey key) {
    return prefix + "workflow:queue:" + named(key);
  }

  /** Claimed actions by lease deadline (epoch ms), so an expired lease is found without scanning. */
  public String leases(WorkflowKey key) {
    return prefix + "workflow:leases:" + named(key);
  }

  /**
   * The workflow's token streams (a hash: per output its text, its length in UTF-16 code units, how much of
   * it the log has, and whether it is closed; see {@code output_append.lua}).
   */
  public String outputs(WorkflowKey key) {
    return prefix + "workflow:outputs:" + named(key);
  }

  /**
   * The workflow's interrupts (a hash: each one as raised, its state, its answer, and the deadlines of the
   * unanswered ones; see {@code interrupt_raise.lua}).
   */
  public String interrupts(WorkflowKey key) {
    return prefix + "workflow:interrupts:" + named(key);
  }

  /**
   * Presence leases of the workflow's watchers (a hash of JSON, docs/API.md "Presence"): in its slot, passed
   * to {@code presence.lua} as an extra key; it records the workflow's life it belongs to, and runs out with
   * its last lease.
   */
  public String presence(WorkflowKey key) {
    return prefix + "workflow:presence:" + named(key);
  }

  /**
   * The workflows holding presence leases, scored by the latest expiry (epoch ms) of a lease written, so every
   * instance's sweep finds the leases of one that died. One key with its own hash tag, updated beside the
   * scripts.
   */
  public String presenceIndex() {
    return prefix + "flowcast:presence:{presence}";
  }

  /** The keys of a workflow that live only as long as it does, in the order the scripts expect. */
  public List<String> sideKeys(WorkflowKey key) {
    return List.of(drafts(key), snapshots(key), actions(key), queue(key), leases(key), interrupts(key),
        outputs(key));
  }

  /** A tenant's workflows by creation time (a sorted set; its own hash tag, updated beside the scripts). */
  public String tenantIndex(String tenant) {
    return prefix + "workflow:index:{" + tenant + "}";
  }

  /**
   * One shard of the write buffer between Redis and PostgreSQL: one entry per event of the shard's
   * workflows, read by the flushers of every instance through one consumer group per shard.
   */
  public String outbox(int shard) {
    return prefix + "flowcast:outbox:" + shardTag(shard);
  }

  /** The shard's write buffer, for a workflow. */
  public String outbox(WorkflowKey key) {
    return outbox(shard(key.tag()));
  }

  /** The bytes a write-buffer shard's entries hold (a counter the scripts and the flusher keep). */
  public String outboxBytes(int shard) {
    return prefix + "flowcast:outbox:" + shardTag(shard) + ":bytes";
  }

  /** The layout the data under this prefix was written with ({@code shards=<n>}), recorded at first start. */
  public String layout() {
    return prefix + "flowcast:layout";
  }

  /** Buffered entries PostgreSQL refused (bad data), kept for an operator instead of blocking the flush. */
  public String outboxDead() {
    return prefix + "flowcast:outbox:dead";
  }

  /** The refresh tokens of one login session (token family). */
  public String refreshFamily(String family) {
    return prefix + "auth:refresh:{" + family + "}";
  }

  /**
   * The revoked sessions: a sorted set of sids scored by the end of their last access token (epoch
   * seconds), one key so a start reads it without scanning the keyspace (every node of a cluster).
   */
  public String revokedSessions() {
    return prefix + "auth:revoked:{sessions}";
  }

  /** A rate limit's state for one policy and partition. */
  public String rateLimit(String policy, String partition) {
    return prefix + "ratelimit:" + policy + ":{" + partition + "}";
  }

  /**
   * The shard channel (SPUBLISH/SSUBSCRIBE) that carries the workflow's events to every instance watching
   * it: in the workflow's slot, so the script that changes the workflow publishes it, and on a cluster
   * only the nodes of that shard see the message.
   */
  public String channel(String workflowTag) {
    return prefix + CHANNEL + named(workflowTag);
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

  /**
   * The shard channel of a tenant's feed on one shard: a script that changes a workflow of the shard
   * announces it here ({@code announce} in {@code _lib.lua}, which derives the name from the workflow's
   * {@link #channel}). A feed subscribes to the tenant's channel of every shard.
   */
  public String feedChannel(int shard, String tenant) {
    return prefix + FEED + shardTag(shard) + tenant;
  }

  /** The feed channels of a tenant, one per shard. */
  public List<String> feedChannels(String tenant) {
    List<String> channels = new java.util.ArrayList<>(shards);
    for (int shard = 0; shard < shards; shard++) {
      channels.add(feedChannel(shard, tenant));
    }
    return channels;
  }

  /** The tenant of a {@link #feedChannel}, or null when {@code channel} is not one. */
  public String tenantOfFeedChannel(String channel) {
    return channel.startsWith(prefix + FEED) ? tagOf(channel) : null;
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

  /** The workflow tag after a key's shard tag: {@code <tenant>:<id>} of {@code ...{s3}<tenant>:<id>}. */
  private static String tagOf(String name) {
    int open = name.indexOf('{');
    int close = name.indexOf('}', open + 1);
    return open < 0 || close < 0 || close + 1 == name.length() ? null : name.substring(close + 1);
  }
}
