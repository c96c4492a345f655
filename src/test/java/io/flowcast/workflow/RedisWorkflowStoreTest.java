package io.flowcast.workflow;

import io.flowcast.testsupport.RedisStores;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.UUID;

import static io.flowcast.testsupport.StoreFutures.await;
import static org.assertj.core.api.Assertions.assertThat;

/** The store contract on Redis (the test script's server; every test works in a tenant of its own). */
class RedisWorkflowStoreTest extends WorkflowStoreContract {
  private static RedisStores redis;

  @BeforeAll
  static void connect() {
    redis = new RedisStores();
  }

  @AfterAll
  static void disconnect() {
    redis.close();
  }

  @Override
  protected WorkflowStore newStore(int retentionMax) {
    return redis.store(retentionMax);
  }

  @Test
  void patchComputedFromWhatThisInstanceSawLastIsRedoneWhenAnotherInstanceChangedIt() {
    WorkflowStore a = redis.store(1000);
    WorkflowStore b = redis.store(1000);
    WorkflowKey key = new WorkflowKey("t-" + UUID.randomUUID().toString().substring(0, 8), "shared");
    Actor actor = Actor.of("alice");
    await(a.create(key, new NewWorkflow("running", new JsonObject().put("a", 1), new JsonObject(), 600), actor));
    await(a.patch(key, state("b", 1), null, actor));
    await(b.patch(key, state("c", 1), null, actor));
    Workflow after = await(a.patch(key, state("d", 1), null, actor)).workflow();
    assertThat(after.version()).isEqualTo(4);
    assertThat(after.state()).isEqualTo(new JsonObject().put("a", 1).put("b", 1).put("c", 1).put("d", 1));
    assertThat(await(b.get(key)).state()).isEqualTo(after.state());
  }

  @Test
  void patchNeverLandsOnANewLifeOfTheIdWithTheOldState() {
    WorkflowStore a = redis.store(1000);
    WorkflowStore b = redis.store(1000);
    WorkflowKey key = new WorkflowKey("t-" + UUID.randomUUID().toString().substring(0, 8), "reborn");
    Actor actor = Actor.of("alice");
    await(a.create(key, new NewWorkflow("running", new JsonObject().put("old", 1), new JsonObject(), 600), actor));
    await(a.patch(key, state("old2", 1), null, actor));
    await(b.delete(key, actor));
    await(b.create(key, new NewWorkflow("running", new JsonObject().put("new", 1), new JsonObject(), 600), actor));
    await(b.patch(key, state("new2", 1), null, actor)); // version 2 again, as a last saw it
    Workflow after = await(a.patch(key, state("new3", 1), null, actor)).workflow();
    assertThat(after.version()).isEqualTo(3);
    assertThat(after.state()).isEqualTo(new JsonObject().put("new", 1).put("new2", 1).put("new3", 1));
    assertThat(await(b.get(key)).state()).isEqualTo(after.state());
  }

  private static JsonObject state(String key, int value) {
    return new JsonObject().put("state", new JsonObject().put(key, value));
  }

  /** Redis expires the state hash by itself; expiry is announced through {@link WorkflowStore#expired}. */
  @Override
  protected boolean sweepsExpiredWorkflows() {
    return false;
  }
}
