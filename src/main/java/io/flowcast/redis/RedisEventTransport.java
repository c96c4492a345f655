package io.flowcast.redis;

import io.flowcast.config.RedisTarget;
import io.flowcast.fanout.EventTransport;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.EventDelivery;
import io.flowcast.bus.FeedChange;
import io.flowcast.health.Readiness;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.redis.client.ResponseType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.vertx.core.Promise;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Redis pub/sub between instances, on dedicated connections (one per node, see {@link PubSubNodes}). The
 * store's scripts SPUBLISH each event on the workflow's shard channel atomically with the change; this
 * side SSUBSCRIBEs to the workflows local streams watch (on the node owning each channel's slot), to every
 * shard's feed channel of the tenants local feed streams follow, and
 * listens to every node's expiry notifications; it is probed end to end (a message published to a
 * channel of its own must come back on every connection), and when any connection drops all are
 * re-established with back-off, every subscription restored, and local streams told to catch up from
 * the event log (pub/sub is at most once).
 */
final class RedisEventTransport implements EventTransport {
  private static final Logger log = LoggerFactory.getLogger(RedisEventTransport.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5000;
  private static final long PROBE_MS = 5000;
  static final String CHECK = "redis-pubsub";

  private final Vertx vertx;
  private final Redis commands;
  private final PubSubNodes nodes;
  private final RedisKeys keys;
  private final String expiredChannel;
  private final long timeoutMs;
  private final Readiness readiness;
  private final Set<String> subscribed = new HashSet<>();
  /** The tenants whose feed local streams follow: each subscribed on every shard's feed channel. */
  private final Set<String> tenants = new HashSet<>();
  private Listener listener;
  private boolean connected;
  private long backoffMs = MIN_BACKOFF_MS;
  private long probeTimer = -1;
  private boolean closed;
  private boolean everConnected;
  private boolean connecting;
  private final String probeChannel;
  private Probe probe;
  /** Subscriptions sent and not yet confirmed, by node and channel. */
  private final Map<String, Promise<Void>> pendingConfirmations = new HashMap<>();
  /**
   * SUNSUBSCRIBEs sent and not yet answered, by node and channel: their answer is ours, not a slot that moved,
   * also when the workflow was subscribed again meanwhile (a stream closed and another opened at once).
   */
  private final Map<String, Integer> pendingUnsubscribes = new HashMap<>();

  /** A probe message in flight: the nodes it has not come back from yet. */
  private record Probe(Set<String> waiting, Promise<Void> echoed) {
  }

  RedisEventTransport(Vertx vertx, Redis commands, RedisTarget target, RedisKeys keys, long timeoutMs,
      Readiness readiness) {
    this.vertx = vertx;
    this.commands = commands;
    this.nodes = new PubSubNodes(vertx, commands, target, (int) timeoutMs);
    this.keys = keys;
    this.probeChannel = keys.probeChannel(java.util.UUID.randomUUID().toString());
    this.expiredChannel = "__keyevent@" + target.database() + "__:expired";
    this.timeoutMs = timeoutMs;
    this.readiness = readiness;
  }

  @Override
  public String name() {
    return "redis";
  }

  @Override
  public Future<Void> start(Listener listener) {
    this.listener = listener;
    readiness.down(CHECK, "connecting");
    probeTimer = vertx.setPeriodic(PROBE_MS, id -> probe());
    return connect().recover(err -> {
      reconnectLater();
      return Future.succeededFuture();
    });
  }

  @Override
  public Future<Void> subscribe(String workflow) {
    if (!subscribed.add(workflow)) {
      return Future.succeededFuture();
    }
    PubSubNodes.Node node = connected ? nodes.forChannel(keys.channel(workflow)) : null;
    if (node == null) {
      subscribed.remove(workflow);
      return Future.failedFuture(ApiException.unavailable("Redis pub/sub is reconnecting"));
    }
    return confirmed(node, Command.SSUBSCRIBE, List.of(keys.channel(workflow)))
        .onFailure(err -> subscribed.remove(workflow));
  }

  @Override
  public Future<Void> unsubscribe(String workflow) {
    PubSubNodes.Node node = connected ? nodes.forChannel(keys.channel(workflow)) : null;
    if (!subscribed.remove(workflow) || node == null) {
      return Future.succeededFuture();
    }
    pendingUnsubscribes.merge(node.endpoint() + "\n" + keys.channel(workflow), 1, Integer::sum);
    return node.connection().send(Request.cmd(Command.SUNSUBSCRIBE).arg(keys.channel(workflow)))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS).mapEmpty();
  }

  @Override
  public Future<Void> subscribeFeed(String tenant) {
    if (!tenants.add(tenant)) {
      return Future.succeededFuture();
    }
    if (!connected) {
      tenants.remove(tenant);
      return Future.failedFuture(ApiException.unavailable("Redis pub/sub is reconnecting"));
    }
    List<Future<Void>> confirmations = new ArrayList<>();
    byNode(keys.feedChannels(tenant)).forEach((node, channels) ->
        confirmations.add(confirmed(node, Command.SSUBSCRIBE, channels)));
    return Future.all(confirmations).<Void>mapEmpty().onFailure(err -> tenants.remove(tenant));
  }

  @Override
  public Future<Void> unsubscribeFeed(String tenant) {
    if (!tenants.remove(tenant) || !connected) {
      return Future.succeededFuture();
    }
    List<Future<?>> sent = new ArrayList<>();
    byNode(keys.feedChannels(tenant)).forEach((node, channels) -> channels.forEach(channel -> {
      pendingUnsubscribes.merge(node.endpoint() + "\n" + channel, 1, Integer::sum);
      sent.add(node.connection().send(Request.cmd(Command.SUNSUBSCRIBE).arg(channel)));
    }));
    return Future.all(sent).timeout(timeoutMs, TimeUnit.MILLISECONDS).mapEmpty();
  }

  /** Shard channels grouped by the node that owns each one's slot. */
  private Map<PubSubNodes.Node, List<String>> byNode(List<String> channels) {
    Map<PubSubNodes.Node, List<String>> grouped = new HashMap<>();
    channels.forEach(c -> grouped.computeIfAbsent(nodes.forChannel(c), n -> new ArrayList<>()).add(c));
    return grouped;
  }

  @Override
  public Future<Void> close() {
    closed = true;
    connected = false;
    vertx.cancelTimer(probeTimer);
    return nodes.close();
  }

  /**
   * Sends (S)SUBSCRIBE and completes when Redis confirmed every channel (the client library completes the
   * command when it is written, before Redis has processed it). Shard channels of one SSUBSCRIBE must share
   * a slot: each goes in a command of its own.
   */
  private Future<Void> confirmed(PubSubNodes.Node node, Command command, List<String> channels) {
    List<Future<Void>> confirmations = new ArrayList<>();
    List<Future<?>> sent = new ArrayList<>();
    Request all = Request.cmd(command);
    for (String channel : channels) {
      Promise<Void> confirmed = Promise.promise();
      pendingConfirmations.put(node.endpoint() + "\n" + channel, confirmed);
      confirmations.add(confirmed.future());
      if (command == Command.SSUBSCRIBE) {
        sent.add(node.connection().send(Request.cmd(command).arg(channel)));
      } else {
        all.arg(channel);
      }
    }
    if (command != Command.SSUBSCRIBE) {
      sent.add(node.connection().send(all));
    }
    return Future.all(sent).compose(ok -> Future.all(confirmations))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(err -> channels.forEach(c -> pendingConfirmations.remove(node.endpoint() + "\n" + c)))
        .mapEmpty();
  }

  /**
   * Connects to every node (on a cluster, every master), listens to its expiry notifications and this
   * instance's probe (revocations, published cluster-wide, on the first node only), and subscribes each
   * watched workflow's shard channel (and every feed channel of a followed tenant) on the node of its slot.
   */
  private Future<Void> connect() {
    if (connecting) {
      return Future.failedFuture("already connecting");
    }
    connecting = true;
    return nodes.open().compose(opened -> {
      pendingUnsubscribes.clear(); // sent on connections that are gone
      List<Future<Void>> ready = new ArrayList<>();
      for (PubSubNodes.Node node : opened) {
        RedisConnection conn = node.connection();
        conn.handler(message -> onMessage(node, message));
        conn.exceptionHandler(err -> lost(node, err.toString()));
        conn.endHandler(v -> lost(node, "connection to " + node.endpoint() + " closed"));
        List<String> channels = new ArrayList<>(List.of(expiredChannel, probeChannel));
        if (node == opened.get(0)) {
          channels.add(keys.revocations());
        }
        ready.add(enableExpiryNotifications(conn).compose(v -> confirmed(node, Command.SUBSCRIBE, channels)));
      }
      List<String> watched = new ArrayList<>();
      subscribed.forEach(w -> watched.add(keys.channel(w)));
      tenants.forEach(t -> watched.addAll(keys.feedChannels(t)));
      byNode(watched).forEach((node, channels) -> ready.add(confirmed(node, Command.SSUBSCRIBE, channels)));
      return Future.all(ready).onFailure(err -> nodes.close()).map(ok -> {
        boolean reconnected = everConnected;
        everConnected = true;
        connected = true;
        backoffMs = MIN_BACKOFF_MS;
        readiness.up(CHECK, "subscribed to " + subscribed.size() + " workflows and expiry notifications on "
            + opened.size() + " node(s)");
        if (reconnected) {
          log.info("Redis pub/sub connected to {} node(s); {} workflow subscriptions restored", opened.size(),
              subscribed.size());
          Set<String> streams = Set.copyOf(subscribed);
          announceMissedExpiries(streams).onComplete(ar -> listener.resync(streams));
          if (!tenants.isEmpty()) {
            listener.feedResync(Set.copyOf(tenants));
          }
        }
        return (Void) null;
      });
    }).onComplete(ar -> connecting = false);
  }

  /**
   * Expiry notifications are pub/sub too, at most once: a watched workflow whose state is gone after a
   * reconnect may have expired meanwhile, unannounced. Announcing it is idempotent ({@code expired.lua}
   * finds nothing to do when it was announced, or when the workflow is there), so every such workflow is.
   */
  private Future<Void> announceMissedExpiries(Set<String> watched) {
    List<Future<Void>> announced = new ArrayList<>();
    for (String tag : watched) {
      // one call each: the state hashes lie in different slots
      announced.add(commands.send(Request.cmd(Command.EXISTS).arg(keys.state(WorkflowKey.parseTag(tag))))
          .timeout(timeoutMs, TimeUnit.MILLISECONDS)
          .compose(exists -> exists.toInteger() == 0 ? listener.expired(tag) : Future.<Void>succeededFuture()));
    }
    // streams catch up once the announcements are out, so a stream sees the expiry, not just a gone workflow
    return Future.join(announced).<Void>mapEmpty()
        .onFailure(err -> log.warn("cannot check for expiries missed while pub/sub was down: {}", err.getMessage()));
  }

  /** A connection dropped (a node died, failed over or moved a slot): reconnect everything once. */
  private void lost(PubSubNodes.Node node, String reason) {
    if (!connected || closed || !nodes.all().contains(node)) {
      return;
    }
    log.warn("Redis pub/sub connection lost ({}); reconnecting", reason);
    connected = false;
    nodes.close();
    readiness.down(CHECK, "reconnecting: " + reason);
    reconnectLater();
  }

  private void reconnectLater() {
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    vertx.setTimer(delay, id -> {
      if (!closed && !connected && !connecting) {
        connect().onFailure(err -> {
          if (!connected) {
            readiness.down(CHECK, "reconnecting: " + err.getMessage());
            reconnectLater();
          }
        });
      }
    });
  }

  /**
   * A subscribed connection that stopped delivering is replaced, so the instance never listens to
   * nothing: a message published (on the command client) to this instance's probe channel must arrive on
   * every node's connection (PUBLISH reaches every node of a cluster). (A PING on the subscribed connection
   * is not used: its reply is not reliably told apart from pushed messages.)
   */
  private void probe() {
    if (!connected || probe != null) {
      return;
    }
    Set<String> waiting = new HashSet<>();
    nodes.all().forEach(n -> waiting.add(n.endpoint()));
    Probe current = new Probe(waiting, Promise.promise());
    probe = current;
    commands.send(Request.cmd(Command.PUBLISH).arg(probeChannel).arg("probe"))
        .compose(sent -> current.echoed().future())
        .timeout(Math.max(timeoutMs, PROBE_MS / 2), TimeUnit.MILLISECONDS)
        .onComplete(ar -> probe = null)
        .onFailure(err -> nodes.all().stream().filter(n -> current.waiting().contains(n.endpoint())).findFirst()
            .ifPresent(n -> lost(n, "probe message did not come back: " + err.getMessage())));
  }

  /** Expiry announcements need keyspace notifications for expired keys; best effort (managed Redis may refuse). */
  private Future<Void> enableExpiryNotifications(RedisConnection conn) {
    return conn.send(Request.cmd(Command.CONFIG).arg("GET").arg("notify-keyspace-events"))
        .compose(r -> {
          Response value = r.getKeys().isEmpty() ? (r.size() > 1 ? r.get(1) : null) : r.get("notify-keyspace-events");
          String flags = value == null ? "" : value.toString();
          boolean enabled = flags.contains("E") && (flags.contains("x") || flags.contains("A"));
          return enabled ? Future.<Void>succeededFuture() : conn.send(Request.cmd(Command.CONFIG).arg("SET")
              .arg("notify-keyspace-events").arg(flags + (flags.contains("E") ? "" : "E") + "x")).<Void>mapEmpty();
        })
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onSuccess(v -> readiness.recovered("expiry"))
        .recover(err -> {
          readiness.degraded("expiry", "Redis keyspace notifications are off and cannot be enabled ("
              + err.getMessage() + "): open streams are not told when a workflow expires");
          return Future.succeededFuture();
        });
  }

  /** Whether a {@code sunsubscribe} answers a SUNSUBSCRIBE of ours (counted off if so). */
  private boolean ownUnsubscribe(PubSubNodes.Node node, String channel) {
    String key = node.endpoint() + "\n" + channel;
    Integer pending = pendingUnsubscribes.remove(key);
    if (pending == null) {
      return false;
    }
    if (pending > 1) {
      pendingUnsubscribes.put(key, pending - 1);
    }
    return true;
  }

  private void onMessage(PubSubNodes.Node node, Response message) {
    if (message.type() != ResponseType.MULTI && message.type() != ResponseType.PUSH || message.size() < 3) {
      return;
    }
    String kind = message.get(0).toString();
    if (kind.equals("subscribe") || kind.equals("ssubscribe")) {
      Promise<Void> confirmed = pendingConfirmations.remove(node.endpoint() + "\n" + message.get(1).toString());
      if (confirmed != null) {
        confirmed.tryComplete();
      }
      return;
    }
    if (kind.equals("sunsubscribe") && ownUnsubscribe(node, message.get(1).toString())) {
      return;
    }
    if (kind.equals("sunsubscribe") && (subscribed.contains(keys.tagOfChannel(message.get(1).toString()))
        || tenants.contains(keys.tenantOfFeedChannel(message.get(1).toString())))) {
      // Redis dropped a shard channel we still want: its slot moved (failover, resharding)
      lost(node, "shard channel " + message.get(1) + " moved off " + node.endpoint());
      return;
    }
    if (!kind.equals("message") && !kind.equals("smessage")) {
      return;
    }
    String channel = message.get(1).toString();
    String payload = message.get(2).toString();
    if (channel.equals(probeChannel)) {
      Probe current = probe;
      if (current != null && current.waiting().remove(node.endpoint()) && current.waiting().isEmpty()) {
        current.echoed().tryComplete();
      }
      return;
    }
    if (channel.equals(expiredChannel)) {
      String tag = keys.tagOfState(payload);
      if (tag != null) {
        listener.expired(tag);
      }
      return;
    }
    if (channel.equals(keys.revocations())) {
      String[] parts = payload.split(" ");
      if (parts.length == 2 && parts[1].matches("[0-9]{1,19}")) {
        listener.revoked(parts[0], Long.parseLong(parts[1]));
      } else {
        log.warn("ignoring a malformed revocation announcement");
      }
      return;
    }
    String tenant = keys.tenantOfFeedChannel(channel);
    if (tenant != null) {
      feedMessage(channel, payload);
      return;
    }
    String workflow = keys.tagOfChannel(channel);
    int a = payload.indexOf('\n');
    int b = payload.indexOf('\n', a + 1);
    int c = payload.indexOf('\n', b + 1);
    if (workflow == null || a < 0 || b < 0 || c < 0) {
      log.warn("ignoring a malformed message on {}", channel);
      return;
    }
    listener.event(new EventDelivery(workflow, payload.substring(0, a), Long.parseLong(payload.substring(a + 1, b)),
        payload.substring(b + 1, c), payload.substring(c + 1)));
  }

  /** {@code <type>\n<tenant>:<id>\n<version>\n<status>\n<updated_at>} from {@code announce} in {@code _lib.lua}. */
  private void feedMessage(String channel, String payload) {
    String[] parts = payload.split("\n", -1);
    int colon = parts.length == 5 ? parts[1].indexOf(':') : -1;
    if (colon < 0 || !parts[2].matches("[0-9]{1,18}")) {
      log.warn("ignoring a malformed message on {}", channel);
      return;
    }
    listener.feed(new FeedChange(parts[1].substring(0, colon), parts[1].substring(colon + 1), parts[0],
        Long.parseLong(parts[2]), parts[3].isEmpty() ? null : parts[3], parts[4].isEmpty() ? null : parts[4]));
  }
}
