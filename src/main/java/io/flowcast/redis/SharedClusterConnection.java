package io.flowcast.redis;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisConnection;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.List;

/**
 * The command client on Redis Cluster: one cluster connection shared by every call (it pipelines to each
 * node and follows MOVED/ASK), opened again after a call fails for want of a connection. Not the library's
 * per-call pooling: each call would take a pooled connection to every master at once, and more concurrent
 * calls than the pool holds then wait on each other for ever.
 */
final class SharedClusterConnection implements Redis {
  private final Redis cluster;
  private Future<RedisConnection> shared;

  SharedClusterConnection(Redis cluster) {
    this.cluster = cluster;
  }

  @Override
  public Future<RedisConnection> connect() {
    return cluster.connect();
  }

  @Override
  public Future<Void> close() {
    Future<RedisConnection> current = shared;
    shared = null;
    return (current == null ? Future.<Void>succeededFuture() : current.compose(RedisConnection::close)
        .otherwiseEmpty()).eventually(cluster::close);
  }

  @Override
  public Future<Response> send(Request command) {
    return connection().compose(c -> c.send(command).onFailure(err -> dropIfBroken(c, err)));
  }

  @Override
  public Future<List<Response>> batch(List<Request> commands) {
    return connection().compose(c -> c.batch(commands).onFailure(err -> dropIfBroken(c, err)));
  }

  private synchronized Future<RedisConnection> connection() {
    if (shared == null || shared.failed()) {
      Promise<RedisConnection> opening = Promise.promise();
      shared = opening.future();
      cluster.connect().onComplete(opening);
    }
    return shared;
  }

  /** A failure that is not Redis's answer (closed connection, unreachable node): open a fresh one next time. */
  private synchronized void dropIfBroken(RedisConnection conn, Throwable err) {
    if (err instanceof io.vertx.redis.client.impl.types.ErrorType && !err.getMessage().startsWith("ERR [")) {
      return;
    }
    if (shared != null && shared.succeeded() && shared.result() == conn) {
      shared = null;
      conn.close();
    }
  }
}
