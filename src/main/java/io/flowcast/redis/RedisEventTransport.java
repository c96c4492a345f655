package io.flowcast.redis;

import io.flowcast.fanout.EventTransport;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.EventDelivery;
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
 * Redis pub/sub between instances, on one dedicated connection per instance. The store's scripts
 * PUBLISH each event atomically with the change; this side subscribes and delivers. The connection
 * subscribes to the workflows local streams watch and to expiry notifications; it is probed end to end
 * (a message published to a channel of its own must come back),
 * and when it drops it is re-established with back-off, every subscription restored, and local streams
 * told to catch up from the event log (pub/sub is at most once).
 */
final class RedisEventTransport implements EventTransport {
  private static final Logger log = LoggerFactory.getLogger(RedisEventTransport.class);
  private static final long MIN_BACKOFF_MS = 100;
  private static final long MAX_BACKOFF_MS = 5000;
  private static final long PROBE_MS = 5000;
  static final String CHECK = "redis-pubsub";

  private final Vertx vertx;
  private final Redis client;
  private final RedisKeys keys;
  private final String expiredChannel;
  private final long timeoutMs;
  private final Readiness readiness;
  private final Set<String> subscribed = new HashSet<>();
  private Listener listener;
  private RedisConnection connection;
  private long backoffMs = MIN_BACKOFF_MS;
  private long probeTimer = -1;
  private boolean closed;
  private boolean everConnected;
  private boolean connecting;
  private final String probeChannel;
  private Promise<Void> probePending;
  private final Map<String, Promise<Void>> pendingConfirmations = new HashMap<>();

  RedisEventTransport(Vertx vertx, Redis client, RedisKeys keys, int database, long timeoutMs,
      Readiness readiness) {
    this.vertx = vertx;
    this.client = client;
    this.keys = keys;
    this.probeChannel = keys.probeChannel(java.util.UUID.randomUUID().toString());
    this.expiredChannel = "__keyevent@" + database + "__:expired";
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
    if (connection == null) {
      subscribed.remove(workflow);
      return Future.failedFuture(ApiException.unavailable("Redis pub/sub is reconnecting"));
    }
    return subscribeConfirmed(connection, List.of(keys.channel(workflow)))
        .onFailure(err -> subscribed.remove(workflow));
  }

  @Override
  public Future<Void> unsubscribe(String workflow) {
    if (!subscribed.remove(workflow) || connection == null) {
      return Future.succeededFuture();
    }
    return command(Request.cmd(Command.UNSUBSCRIBE).arg(keys.channel(workflow))).mapEmpty();
  }

  @Override
  public Future<Void> close() {
    closed = true;
    vertx.cancelTimer(probeTimer);
    RedisConnection current = connection;
    connection = null;
    return (current == null ? Future.<Void>succeededFuture() : current.close()).eventually(client::close);
  }

  /**
   * Sends SUBSCRIBE and completes when Redis confirmed every channel (the client library completes the
   * command when it is written, before Redis has processed it).
   */
  private Future<Void> subscribeConfirmed(RedisConnection conn, List<String> channels) {
    List<Future<Void>> confirmations = new ArrayList<>();
    Request subscribe = Request.cmd(Command.SUBSCRIBE);
    for (String channel : channels) {
      Promise<Void> confirmed = Promise.promise();
      pendingConfirmations.put(channel, confirmed);
      confirmations.add(confirmed.future());
      subscribe.arg(channel);
    }
    return conn.send(subscribe).compose(sent -> Future.all(confirmations))
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .onFailure(err -> channels.forEach(pendingConfirmations::remove))
        .mapEmpty();
  }

  private Future<Void> connect() {
    if (connecting) {
      return Future.failedFuture("already connecting");
    }
    connecting = true;
    Future<RedisConnection> opened = client.connect();
    return opened.timeout(timeoutMs, TimeUnit.MILLISECONDS).compose(conn -> {
      conn.handler(this::onMessage);
      conn.exceptionHandler(err -> lost(conn, err.toString()));
      conn.endHandler(v -> lost(conn, "connection closed"));
      List<String> channels = new ArrayList<>(List.of(expiredChannel, keys.revocations(), probeChannel));
      subscribed.forEach(w -> channels.add(keys.channel(w)));
      return enableExpiryNotifications(conn)
          .compose(v -> subscribeConfirmed(conn, channels))
          .onFailure(err -> conn.close())
          .map(ok -> {
        boolean reconnected = everConnected;
        everConnected = true;
        connection = conn;
        backoffMs = MIN_BACKOFF_MS;
        readiness.up(CHECK, "subscribed to " + subscribed.size() + " workflows and expiry notifications");
        if (reconnected) {
          log.info("Redis pub/sub connected; {} workflow subscriptions restored", subscribed.size());
          Set<String> watched = Set.copyOf(subscribed);
          announceMissedExpiries(watched).onComplete(ar -> listener.resync(watched));
        }
        return (Void) null;
      });
    }).onComplete(ar -> connecting = false)
        // a connection that arrives after the timeout fired must not stay open (the pool is tiny)
        .onFailure(err -> opened.onSuccess(RedisConnection::close));
  }

  /**
   * Expiry notifications are pub/sub too, at most once: a watched workflow whose state is gone after a
   * reconnect may have expired meanwhile, unannounced. Announcing it is idempotent ({@code expired.lua}
   * finds nothing to do when it was announced, or when the workflow is there), so every such workflow is.
   */
  private Future<Void> announceMissedExpiries(Set<String> watched) {
    if (watched.isEmpty()) {
      return Future.succeededFuture();
    }
    List<String> tags = List.copyOf(watched);
    List<Request> checks = tags.stream()
        .map(tag -> Request.cmd(Command.EXISTS).arg(keys.state(WorkflowKey.parseTag(tag)))).toList();
    return client.batch(checks).timeout(timeoutMs, TimeUnit.MILLISECONDS).compose(replies -> {
      List<Future<Void>> announced = new ArrayList<>();
      for (int i = 0; i < tags.size(); i++) {
        if (replies.get(i).toInteger() == 0) {
          announced.add(listener.expired(tags.get(i)));
        }
      }
      // streams catch up once the announcements are out, so a stream sees the expiry, not just a gone workflow
      return Future.join(announced).<Void>mapEmpty();
    }).onFailure(err -> log.warn("cannot check for expiries missed while pub/sub was down: {}", err.getMessage()));
  }

  /** The current connection dropped: reconnect once (exception and end both report the same loss). */
  private void lost(RedisConnection conn, String reason) {
    if (conn != connection) {
      conn.close();
      return;
    }
    log.warn("Redis pub/sub connection lost ({}); reconnecting", reason);
    connection = null;
    conn.close();
    if (!closed) {
      readiness.down(CHECK, "reconnecting: " + reason);
      reconnectLater();
    }
  }

  private void reconnectLater() {
    long delay = backoffMs;
    backoffMs = Math.min(backoffMs * 2, MAX_BACKOFF_MS);
    vertx.setTimer(delay, id -> {
      if (!closed && connection == null && !connecting) {
        connect().onFailure(err -> {
          if (connection == null) {
            readiness.down(CHECK, "reconnecting: " + err.getMessage());
            reconnectLater();
          }
        });
      }
    });
  }

  /**
   * A subscribed connection that stopped delivering is replaced, so the instance never listens to
   * nothing: a message published (on another connection) to this instance's probe channel must arrive
   * on the subscribed one. (A PING on the subscribed connection is not used: its reply is not reliably
   * told apart from pushed messages.)
   */
  private void probe() {
    RedisConnection conn = connection;
    if (conn == null || probePending != null) {
      return;
    }
    Promise<Void> echoed = Promise.promise();
    probePending = echoed;
    client.send(Request.cmd(Command.PUBLISH).arg(probeChannel).arg("probe"))
        .compose(sent -> echoed.future())
        .timeout(Math.max(timeoutMs, PROBE_MS / 2), TimeUnit.MILLISECONDS)
        .onComplete(ar -> probePending = null)
        .onFailure(err -> lost(conn, "probe message did not come back: " + err.getMessage()));
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

  private Future<Response> command(Request request) {
    RedisConnection conn = connection;
    if (conn == null) {
      return Future.failedFuture(ApiException.unavailable("Redis pub/sub is reconnecting"));
    }
    return conn.send(request).timeout(timeoutMs, TimeUnit.MILLISECONDS);
  }

  private void onMessage(Response message) {
    if (message.type() != ResponseType.MULTI && message.type() != ResponseType.PUSH || message.size() < 3) {
      return;
    }
    String kind = message.get(0).toString();
    if (kind.equals("subscribe")) {
      Promise<Void> confirmed = pendingConfirmations.remove(message.get(1).toString());
      if (confirmed != null) {
        confirmed.tryComplete();
      }
      return;
    }
    if (!kind.equals("message")) {
      return;
    }
    String channel = message.get(1).toString();
    String payload = message.get(2).toString();
    if (channel.equals(probeChannel)) {
      Promise<Void> echoed = probePending;
      if (echoed != null) {
        echoed.tryComplete();
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
}
