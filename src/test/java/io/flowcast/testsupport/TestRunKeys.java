package io.flowcast.testsupport;

import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.platform.launcher.LauncherSession;
import org.junit.platform.launcher.LauncherSessionListener;

/**
 * Removes what this test run left when it ends: the keys it wrote under {@link TestServer#RUN_PREFIX},
 * so the developer's Redis keeps nothing of it, and its own PostgreSQL database ({@link RunDatabase})
 * (registered in {@code META-INF/services}).
 */
public final class TestRunKeys implements LauncherSessionListener {

  @Override
  public void launcherSessionClosed(LauncherSession session) {
    try {
      RunDatabase.drop();
    } catch (RuntimeException e) {
      System.err.println("could not drop the test run's database: " + e.getMessage());
    }
    Vertx vertx = Vertx.vertx();
    try {
      Redis redis = Redis.createClient(vertx, TestServer.redisUrl());
      Databases.removeKeys(redis, TestServer.RUN_PREFIX);
      redis.close();
    } catch (RuntimeException e) {
      // no Redis to clean (a run of unit tests only, or Redis is down): its keys expire with their TTLs
    } finally {
      vertx.close().await();
    }
  }
}
