package io.flowcast.redis;

import io.flowcast.config.RedisTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

/**
 * The nodes the pub/sub side listens to, one dedicated connection each (RESP3: messages arrive as push
 * frames). Standalone and Sentinel: the one master. Cluster: every master, learnt with
 * {@code CLUSTER SLOTS} from the command client, because shard channels are served by the node that owns
 * their slot and expiry notifications are each node's own (vertx-redis-client's cluster connection routes
 * SSUBSCRIBE by slot but sets its message handler only on the node connections it already holds, so it
 * is not used for pub/sub). A shard channel is subscribed on the connection of its slot's master.
 */
final class PubSubNodes {
  /** A node's open connection. */
  record Node(String endpoint, RedisConnection connection) {
  }

  private final Vertx vertx;
  private final Redis commands;
  private final RedisTarget target;
  private final int timeoutMs;
  private final List<Redis> clients = new ArrayList<>();
  /** First slot of each range → the endpoint of its master (one range covering everything off a cluster). */
  private final TreeMap<Integer, String> slots = new TreeMap<>();
  private final Map<String, Node> nodes = new LinkedHashMap<>();

  PubSubNodes(Vertx vertx, Redis commands, RedisTarget target, int timeoutMs) {
    this.vertx = vertx;
    this.commands = commands;
    this.target = target;
    this.timeoutMs = timeoutMs;
  }

  /** Learns the masters (on a cluster) and opens one connection to each; fails unless every one opened. */
  Future<List<Node>> open() {
    return masters().compose(endpoints -> {
      List<Future<Node>> opened = new ArrayList<>();
      endpoints.forEach(endpoint -> {
        Redis client = target.type() == RedisClientType.CLUSTER
            ? RedisClients.subscriber(vertx, target.node(endpoint), timeoutMs)
            : RedisClients.subscriber(vertx, target, timeoutMs);
        clients.add(client);
        Future<RedisConnection> connecting = client.connect();
        opened.add(connecting.timeout(timeoutMs, TimeUnit.MILLISECONDS).map(conn -> new Node(endpoint, conn))
            // a connection that arrives after the timeout fired must not stay open
            .onFailure(err -> connecting.onSuccess(RedisConnection::close)));
      });
      return Future.all(opened).map(all -> {
        opened.forEach(f -> nodes.put(f.result().endpoint(), f.result()));
        return List.copyOf(nodes.values());
      }).onFailure(err -> close());
    });
  }

  /** The connection of the master that owns {@code channel}'s slot (null while not connected). */
  Node forChannel(String channel) {
    Map.Entry<Integer, String> range = slots.floorEntry(HashSlots.of(channel));
    return range == null ? null : nodes.get(range.getValue());
  }

  List<Node> all() {
    return List.copyOf(nodes.values());
  }

  /** Closes every connection and client; {@link #open} may be called again. */
  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    nodes.values().forEach(n -> closing.add(n.connection().close()));
    clients.forEach(c -> closing.add(c.close()));
    nodes.clear();
    clients.clear();
    return Future.join(closing).mapEmpty();
  }

  private Future<List<String>> masters() {
    slots.clear();
    if (target.type() != RedisClientType.CLUSTER) {
      slots.put(0, "master");
      return Future.succeededFuture(List.of("master"));
    }
    return commands.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(ranges -> {
          List<String> endpoints = new ArrayList<>();
          for (Response range : ranges) {
            Response master = range.get(2);
            String endpoint = master.get(0).toString() + ":" + master.get(1).toInteger();
            slots.put(range.get(0).toInteger(), endpoint);
            if (!endpoints.contains(endpoint)) {
              endpoints.add(endpoint);
            }
          }
          if (endpoints.isEmpty()) {
            throw new IllegalStateException("the cluster serves no slots");
          }
          return endpoints;
        });
  }
}
