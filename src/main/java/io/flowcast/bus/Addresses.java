package io.flowcast.bus;

/**
 * Every event-bus address Flowcast uses, in one place. Message bodies are JSON objects; they are
 * described in docs/EVENTBUS.md. Commands are sent with {@code request} and fail with an HTTP-like
 * status code (see {@link ApiException}); fan-out deliveries are published.
 */
public final class Addresses {
  private Addresses() {
  }

  /** Workflow commands, answered by the workflow verticle. */
  public static final String WORKFLOW_CREATE = "flowcast.workflow.create";
  public static final String WORKFLOW_GET = "flowcast.workflow.get";
  public static final String WORKFLOW_LIST = "flowcast.workflow.list";
  public static final String WORKFLOW_PATCH = "flowcast.workflow.patch";
  public static final String WORKFLOW_DELETE = "flowcast.workflow.delete";
  /** A workflow in a terminal status back to one that is not (docs/API.md, "Lifecycle"). */
  public static final String WORKFLOW_REOPEN = "flowcast.workflow.reopen";
  public static final String WORKFLOW_CANCEL = "flowcast.workflow.cancel";
  /** Time travel: the workflow as it was at a version, and the merge patch between two versions. */
  public static final String WORKFLOW_AT = "flowcast.workflow.at";
  public static final String WORKFLOW_DIFF = "flowcast.workflow.diff";
  /** A new workflow from another's version N, recording its parent (docs/API.md, "Fork"). */
  public static final String WORKFLOW_FORK = "flowcast.workflow.fork";
  public static final String EVENT_APPEND = "flowcast.workflow.event.append";
  public static final String EVENTS_READ = "flowcast.workflow.events.read";
  /** Review drafts (answered by the workflow verticle): {@code section} names the draft. */
  public static final String DRAFT_LIST = "flowcast.workflow.draft.list";
  public static final String DRAFT_GET = "flowcast.workflow.draft.get";
  public static final String DRAFT_PUT = "flowcast.workflow.draft.put";
  public static final String DRAFT_UNDO = "flowcast.workflow.draft.undo";
  public static final String DRAFT_COMMIT = "flowcast.workflow.draft.commit";
  public static final String DRAFT_DISCARD = "flowcast.workflow.draft.discard";
  /** Snapshots and rollback (answered by the workflow verticle). */
  public static final String SNAPSHOT_CREATE = "flowcast.workflow.snapshot.create";
  public static final String SNAPSHOT_LIST = "flowcast.workflow.snapshot.list";
  public static final String ROLLBACK = "flowcast.workflow.rollback";
  /**
   * Presence (docs/API.md, "Presence"), answered by {@code PresenceCommands} in the workflow verticle: set or
   * renew the caller's lease (of a stream, or its own), drop it, list the members.
   */
  public static final String PRESENCE_SET = "flowcast.workflow.presence.set";
  public static final String PRESENCE_LEAVE = "flowcast.workflow.presence.leave";
  public static final String PRESENCE_LIST = "flowcast.workflow.presence.list";
  /** The backend expired a workflow's state (sent by the fan-out on a Redis keyspace notification). */
  public static final String WORKFLOW_EXPIRED = "flowcast.workflow.expired";

  /**
   * The events of one workflow on the event-bus bridge: a bridge client registers on this prefix followed
   * by a workflow id of its token's tenant (docs/EVENTBUS.md). Served by the bridge itself; nothing inside
   * Flowcast consumes or publishes on these addresses.
   */
  public static final String EVENTS_PREFIX = "flowcast.events.";

  /** Interest of this instance's SSE streams in a workflow (reference-counted by the fan-out verticle). */
  public static final String FANOUT_SUBSCRIBE = "flowcast.fanout.subscribe";
  public static final String FANOUT_UNSUBSCRIBE = "flowcast.fanout.unsubscribe";

  /** Events for local SSE streams, published by the fan-out verticle to every HTTP verticle instance. */
  public static final String SSE_DELIVER = "flowcast.sse.deliver";
  /**
   * Events of these workflows may have been missed (the transport reconnected): local streams catch up
   * from the event log. Published by the fan-out verticle.
   */
  public static final String SSE_RESYNC = "flowcast.sse.resync";

  /** Interest of this instance's tenant feeds in a tenant: {@code {tenant}} (reference-counted by the fan-out). */
  public static final String FANOUT_FEED_SUBSCRIBE = "flowcast.fanout.feed.subscribe";
  public static final String FANOUT_FEED_UNSUBSCRIBE = "flowcast.fanout.feed.unsubscribe";
  /** Tenant feed entries ({@link FeedChange}) for local feed streams, published by the fan-out verticle. */
  public static final String SSE_FEED = "flowcast.sse.feed";
  /**
   * Feed entries of these tenants may have been missed (the transport reconnected): {@code {tenants}}; local
   * feed streams start over with a fresh snapshot.
   */
  public static final String SSE_FEED_RESYNC = "flowcast.sse.feed.resync";

  /** Flush the write buffer to PostgreSQL now (a workflow completed, or the backlog grew); no reply. */
  public static final String FLUSH_NOW = "flowcast.flush.now";
  /** Write-through: write these records to PostgreSQL and answer once committed. */
  public static final String FLUSH_WRITE = "flowcast.flush.write";

  /** Token service (answered by the auth verticle): a token request of RFC 6749, as a JSON object of its parameters. */
  public static final String AUTH_TOKEN = "flowcast.auth.token";
  /** Token revocation (RFC 7009): {@code {token}}. */
  public static final String AUTH_REVOKE = "flowcast.auth.revoke";

  /**
   * A session ({@code sid}) was revoked: {@code {sid, until}} (epoch seconds the entry is kept). Published
   * on every instance (relayed from Redis); HTTP verticles refuse its tokens and end its streams.
   */
  public static final String SESSION_REVOKED = "flowcast.auth.session.revoked";

  /** The live instances of the deployment (answered by the instance verticle): {@code {}} -> {@code {instances}}. */
  public static final String SYSTEM_INSTANCES = "flowcast.system.instances";

  /** Graceful shutdown: the main verticle stops the HTTP side first (streams end), then the rest. */
  public static final String LIFECYCLE_DRAIN = "flowcast.lifecycle.drain";

  /**
   * Action queue commands of a workflow (docs/EVENTBUS.md), answered by {@code ActionCommands} in the
   * workflow verticle.
   */
  public static final String ACTION_ENQUEUE = "flowcast.workflow.action.enqueue";
  public static final String ACTION_CLAIM = "flowcast.workflow.action.claim";
  public static final String ACTION_COMPLETE = "flowcast.workflow.action.complete";
  public static final String ACTION_FAIL = "flowcast.workflow.action.fail";
  public static final String ACTION_HEARTBEAT = "flowcast.workflow.action.heartbeat";
  public static final String ACTION_GET = "flowcast.workflow.action.get";
  public static final String ACTION_LIST = "flowcast.workflow.action.list";

  /**
   * Token streams (answered by the workflow verticle): {@code name} names the output; append takes
   * {@code body: {text, offset?}}. {@code OUTPUT_LIST} is internal: every output with its text, for SSE
   * streams that (re)join (docs/EVENTBUS.md).
   */
  public static final String OUTPUT_APPEND = "flowcast.workflow.output.append";
  public static final String OUTPUT_CLOSE = "flowcast.workflow.output.close";
  public static final String OUTPUT_GET = "flowcast.workflow.output.get";
  public static final String OUTPUT_LIST = "flowcast.workflow.output.list";

  /**
   * Interrupt commands of a workflow (docs/EVENTBUS.md), answered by {@code InterruptCommands} in the workflow
   * verticle: a worker raises one, a person resolves it.
   */
  public static final String INTERRUPT_RAISE = "flowcast.workflow.interrupt.raise";
  public static final String INTERRUPT_RESOLVE = "flowcast.workflow.interrupt.resolve";
  public static final String INTERRUPT_GET = "flowcast.workflow.interrupt.get";
  public static final String INTERRUPT_LIST = "flowcast.workflow.interrupt.list";
}
