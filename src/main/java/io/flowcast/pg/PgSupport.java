package io.flowcast.pg;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The shared PostgreSQL pool, and the Flyway migrations run at start (on a worker thread). */
public final class PgSupport {
  private static final Logger log = LoggerFactory.getLogger(PgSupport.class);

  private PgSupport() {
  }

  public static Pool pool(Vertx vertx, String url, int size) {
    PgConnectOptions connect = PgConnectOptions.fromUri(url).setCachePreparedStatements(true);
    return PgBuilder.pool().with(new PoolOptions().setMaxSize(size).setName("flowcast-pg"))
        .connectingTo(connect).using(vertx).build();
  }

  /** Brings the schema up to date; Flyway is blocking JDBC, so it runs off the event loop. */
  public static Future<Void> migrate(Vertx vertx, String url) {
    PgConnectOptions options = PgConnectOptions.fromUri(url);
    String jdbc = "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    return vertx.executeBlocking(() -> {
      var result = Flyway.configure()
          .dataSource(jdbc, options.getUser(), options.getPassword())
          .locations("classpath:db/migration")
          .load()
          .migrate();
      log.info("PostgreSQL schema at version {} ({} migrations applied)", result.targetSchemaVersion,
          result.migrationsExecuted);
      return null;
    });
  }
}
