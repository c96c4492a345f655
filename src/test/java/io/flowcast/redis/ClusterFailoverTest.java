package io.flowcast.redis;

import io.flowcast.testsupport.RedisCluster;
import io.flowcast.testsupport.ResumingReader;
import io.flowcast.testsupport.TestServer;
import io.flowcast.testsupport.Writers;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A master of the cluster is SIGKILLed while two instances write and stream: its replica takes over, and
 * with {@code redis.wait_replicas} = 1 (a change is acknowledged once a replica has it) nothing
 * acknowledged is lost, no id names another event or appears twice, and every stream resumes with no gap.
 */
class ClusterFailoverTest {

  @Test
  void afterAMasterFailsOverNothingAcknowledgedIsLostAndStreamsResume() throws Exception {
    String tenant = "t-" + UUID.randomUUID().toString().substring(0, 8);
    String prefix = "fc-failover:";
    try (RedisCluster cluster = RedisCluster.start()) {
      JsonObject config = TestServer.onRedisWithPg(prefix).put("redis.type", "cluster").put("redis.url", cluster.urls())
          .put("redis.wait_replicas", 1).put("flush.interval_ms", 100);
      try (TestServer a = TestServer.start(config); TestServer b = TestServer.start(config)) {
        String token = a.token("writer", tenant, TestServer.RW);
        List<ResumingReader> readers = new ArrayList<>();
        for (int w = 0; w < 4; w++) {
          a.api().create(token, new JsonObject().put("id", "w" + w));
          readers.add(ResumingReader.start(b.vertx(), b.port(), "/api/v1/workflows/w" + w + "/stream", token));
        }
        for (ResumingReader reader : readers) {
          reader.awaitOpen();
        }
        Writers writers = Writers.start(List.of(a.api(), b.api()), token, 4);
        Thread.sleep(1500);
        int slot = HashSlots.of(new RedisKeys(prefix).state(new WorkflowKey(tenant, "w0")));
        int killed = cluster.killMaster(slot);
        Thread.sleep(3000);
        Writers.Audit audit = writers.stop().audit(a.api(), token);
        System.out.println("master " + killed + " killed (slot " + slot + "): " + audit);

        assertThat(audit.acknowledged()).as("writes went on before and after the failover").isGreaterThan(40);
        assertThat(audit.lost()).as("a replica had every acknowledged change").isZero();
        assertThat(audit.renumbered()).as("an acknowledged id never names another event").isZero();
        assertThat(audit.duplicated()).isZero();
        for (int w = 0; w < 4; w++) {
          String workflow = "w" + w;
          Set<String> ids = writers.acknowledged().stream().filter(x -> x.workflow().equals(workflow))
              .map(Writers.Acknowledged::id).collect(Collectors.toSet());
          readers.get(w).awaitIds(ids, 30);
        }
        for (ResumingReader reader : readers) {
          reader.stop();
          reader.assertNoGapAndNoDuplicate();
        }
      }
    }
  }
}
