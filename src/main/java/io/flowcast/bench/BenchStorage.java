package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import org.flywaydb.core.Flyway;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.net.URI;
import java.util.concurrent.TimeUnit;

/**
 * What {@code bench cold-start} owns on the caller's Redis and PostgreSQL, and removes after the run:
 * the keys under its own prefix (SCAN and UNLINK, never a flush), and a database of its own created next
 * to the one {@code --pg-url} names, migrated before the instance starts (as a restart or a deploy meets
 * a schema already there) and dropped at the end.
 */
final class BenchStorage {
  private static final long TIMEOUT_MS = 30_000;

  private BenchStorage() {
  }

  /** Creates and migrates {@code name} next to {@code pgUrl}'s database; completes with its URL. */
  static Future<String> createDatabase(Vertx vertx, String pgUrl, String name) {
    URI base = URI.create(pgUrl);
    String url = base.getScheme() + "://" + base.getRawAuthority() + "/" + name
        + (base.getRawQuery() == null ? "" : "?" + base.getRawQuery());
    return admin(vertx, pgUrl, "CREATE DATABASE " + name).compose(v -> migrate(vertx, url)).map(url);
  }

  /** The server's own migrations (the jar's {@code db/migration}), as the instance would run them. */
  private static Future<Void> migrate(Vertx vertx, String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    String jdbc = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    return vertx.executeBlocking(() -> {
      Flyway.configure().dataSource(jdbc, options.getUser(), options.getPassword())
          .locations("classpath:db/migration").load().migrate();
      return null;
    });
  }

  static Future<Void> dropDatabase(Vertx vertx, String pgUrl, String name) {
    return admin(vertx, pgUrl, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
  }

  private static Future<Void> admin(Vertx vertx, String pgUrl, String statement) {
    var pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(pgUrl)).using(vertx).build();
    return pool.query(statement).execute().timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).<Void>mapEmpty()
        .eventually(pool::close);
  }

  /** Unlinks every key under {@code prefix} (which holds no glob characters); completes with the count. */
  static Future<Long> deleteKeys(Vertx vertx, String redisUrl, String prefix) {
    Redis redis = Redis.createClient(vertx, new RedisOptions().setConnectionString(redisUrl));
    return scan(redis, "0", prefix, 0).eventually(redis::close);
  }

  private static Future<Long> scan(Redis redis, String cursor, String prefix, long deleted) {
    return redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*").arg("COUNT").arg(1000))
        .timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .compose(reply -> {
          String next = reply.get(0).toString();
          Response keys = reply.get(1);
          Future<Long> unlinked = Future.succeededFuture(0L);
          if (keys.size() > 0) {
            Request unlink = Request.cmd(Command.UNLINK);
            keys.forEach(key -> unlink.arg(key.toString()));
            unlinked = redis.send(unlink).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS).map(Response::toLong);
          }
          return unlinked.compose(n -> next.equals("0") ? Future.succeededFuture(deleted + n)
              : scan(redis, next, prefix, deleted + n));
        });
  }
}
