package io.flowcast.testsupport;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;

import java.net.URI;
import java.util.UUID;

/**
 * A database of this test run's own on the test script's PostgreSQL ({@code FLOWCAST_TEST_PG_URL}):
 * created on first use, migrated by the servers the tests start, dropped when the run ends
 * ({@link TestRunKeys}), so no test ever writes a row into the developer's own databases.
 */
final class RunDatabase {
  private static final String NAME = "fctest_" + UUID.randomUUID().toString().substring(0, 8);
  private static String url;

  private RunDatabase() {
  }

  static synchronized String url() {
    if (url == null) {
      run("CREATE DATABASE " + NAME);
      URI base = URI.create(TestServer.basePgUrl());
      url = base.getScheme() + "://" + base.getRawAuthority() + "/" + NAME
          + (base.getRawQuery() == null ? "" : "?" + base.getRawQuery());
    }
    return url;
  }

  /** Drops the run's database, if the run made one (every connection to it is closed by force). */
  static synchronized void drop() {
    if (url != null) {
      run("DROP DATABASE IF EXISTS " + NAME + " WITH (FORCE)");
      url = null;
    }
  }

  private static void run(String statement) {
    Vertx vertx = Vertx.vertx();
    try {
      Pool pool = PgBuilder.pool().connectingTo(PgConnectOptions.fromUri(TestServer.basePgUrl())).using(vertx).build();
      try {
        pool.query(statement).execute().await();
      } finally {
        pool.close().await();
      }
    } finally {
      vertx.close().await();
    }
  }
}
