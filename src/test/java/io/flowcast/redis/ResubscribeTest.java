package io.flowcast.redis;

import io.flowcast.bus.EventDelivery;
import io.flowcast.config.RedisTarget;
import io.flowcast.fanout.EventTransport;
import io.flowcast.health.Readiness;
import io.flowcast.testsupport.TestServer;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Redis;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream that closes and another that opens on the same workflow at once (an EventSource reconnecting)
 * unsubscribe and subscribe its shard channel back to back: Redis's confirmation of that unsubscribe is
 * the transport's own doing, not a slot that moved, so the pub/sub connection stays as it is.
 */
class ResubscribeTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  @Test
  void resubscribingWhileTheUnsubscribeIsInFlightKeepsTheConnection() throws InterruptedException {
    RedisTarget target = RedisTarget.standalone(TestServer.redisUrl());
    Redis redis = RedisClients.pooled(vertx, target, 2, 2000);
    Readiness readiness = new Readiness();
    CopyOnWriteArrayList<Set<String>> resyncs = new CopyOnWriteArrayList<>();
    Context context = vertx.getOrCreateContext();
    RedisEventTransport transport = new RedisEventTransport(vertx, redis, target,
        new RedisKeys(TestServer.keyPrefix(ResubscribeTest.class)), 2000, readiness);
    String workflow = new WorkflowKey("t-resubscribe", "wf-1").tag();
    on(context, () -> transport.start(new EventTransport.Listener() {
      @Override
      public void event(EventDelivery event) {
      }

      @Override
      public void resync(Set<String> workflows) {
        resyncs.add(workflows);
      }
    }).compose(v -> transport.subscribe(workflow))).await();

    for (int i = 0; i < 20; i++) {
      // on the transport's context, with nothing in between: the SUNSUBSCRIBE's answer arrives after the SSUBSCRIBE
      on(context, () -> {
        transport.unsubscribe(workflow);
        return transport.subscribe(workflow);
      }).await();
    }
    Thread.sleep(500); // a reconnect would have happened by now (its first back-off is 100 ms)

    assertThat(resyncs).as("reconnections of the pub/sub connection").isEmpty();
    assertThat(readiness.toJson().getJsonObject("checks").getJsonObject(RedisEventTransport.CHECK)
        .getString("status")).isEqualTo("up");
    on(context, transport::close).await();
  }

  private static <T> Future<T> on(Context context, Supplier<Future<T>> action) {
    Promise<T> promise = Promise.promise();
    context.runOnContext(v -> action.get().onComplete(promise));
    return promise.future();
  }
}
