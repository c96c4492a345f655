package io.flowcast.testsupport;

import io.flowcast.redis.RedisKeys;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.ProtocolVersion;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisOptions;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Direct access to the test Redis and PostgreSQL, to check what Flowcast left there. Every test class
 * that needs a Redis of its own (a write buffer of its own, say) has its own key prefix
 * ({@link TestServer#keyPrefix}) in the developer's Redis: this class removes only keys under it. Either
 * made with a test's own Vert.x, or registered for a whole test class:
 * {@code @RegisterExtension static final Databases db = new Databases(KEY_PREFIX);} then has a Vert.x of
 * its own, removes the class's keys before its first test and after its last.
 */
public final class Databases implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private final String keyPrefix;
  private Vertx own;
  private Redis redis;
  private Pool pg;

  public Databases(Vertx vertx, String keyPrefix) {
    this.keyPrefix = keyPrefix;
    connect(vertx);
  }

  /** For a test class: connects before its first test (see above). */
  public Databases(String keyPrefix) {
    this.keyPrefix = keyPrefix;
  }

  private void connect(Vertx vertx) {
    this.redis = Redis.createClient(vertx, new RedisOptions()
        .setConnectionString(TestServer.redisUrl())
        .setPreferredProtocolVersion(ProtocolVersion.RESP2));
    this.pg = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestServer.pgUrl())).using(vertx).build();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    own = Vertx.vertx();
    connect(own);
    flushRedis();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    flushRedis();
    close();
    own.close().await();
  }

  public Response redis(Request request) {
    return redis.send(request).await();
  }

  /** The names of the keys Flowcast writes under this test's prefix. */
  public RedisKeys keys() {
    return new RedisKeys(keyPrefix);
  }

  /** Removes this test's keys (never anyone else's: only those under its own prefix). */
  public void flushRedis() {
    removeKeys(redis, keyPrefix);
  }

  /** Removes every key under {@code prefix} (SCAN and UNLINK: the server is never blocked, nothing else goes). */
  static void removeKeys(Redis redis, String prefix) {
    if (prefix.isEmpty()) {
      throw new IllegalArgumentException("tests never remove keys without a prefix of their own");
    }
    String cursor = "0";
    do {
      Response page = redis.send(Request.cmd(Command.SCAN).arg(cursor).arg("MATCH").arg(prefix + "*")
          .arg("COUNT").arg(1000)).await();
      cursor = page.get(0).toString();
      if (page.get(1).size() > 0) {
        Request unlink = Request.cmd(Command.UNLINK);
        page.get(1).forEach(key -> unlink.arg(key.toString()));
        redis.send(unlink).await();
      }
    } while (!cursor.equals("0"));
  }

  public List<Row> sql(String query, Object... args) {
    List<Row> rows = new ArrayList<>();
    pg.preparedQuery(query).execute(Tuple.from(args)).await().forEach(rows::add);
    return rows;
  }

  /** The seqs PostgreSQL holds for a workflow, in seq order (duplicates would show twice). */
  public List<Long> flushedSeqs(String tenant, String workflow) {
    return sql("SELECT seq FROM workflow_events WHERE tenant = $1 AND workflow_id = $2 ORDER BY seq", tenant,
        workflow).stream().map(r -> r.getLong("seq")).toList();
  }

  /** Waits (up to 20 s) until PostgreSQL holds the workflow's events up to {@code seq}; fails the test otherwise. */
  public void awaitFlushed(String tenant, String workflow, long seq) throws InterruptedException {
    Eventually.await(tenant + "/" + workflow + " flushed up to seq " + seq, Duration.ofSeconds(20),
        () -> flushedSeqs(tenant, workflow), seqs -> !seqs.isEmpty() && seqs.get(seqs.size() - 1) >= seq);
  }

  @Override
  public void close() {
    redis.close();
    pg.close();
  }
}
