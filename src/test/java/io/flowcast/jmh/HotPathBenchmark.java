package io.flowcast.jmh;

import io.flowcast.bus.EventDelivery;
import io.flowcast.sse.SseFrames;
import io.flowcast.workflow.MergePatch;
import io.flowcast.workflow.NewWorkflow;
import io.flowcast.workflow.PatchPlan;
import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import io.flowcast.workflow.WorkflowRules;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * The CPU work Flowcast does per mutation and per delivered event, apart from I/O: validating and
 * applying a merge patch, encoding the event once, and turning it into the SSE frame every subscriber
 * receives. Run with {@code scripts/jmh.sh} (docs/PERFORMANCE.md).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class HotPathBenchmark {
  private Workflow workflow;
  private JsonObject patchBody;
  private WorkflowRules rules;
  private JsonObject event;
  private EventDelivery delivery;

  @Setup
  public void setUp() {
    JsonObject state = new JsonObject();
    for (int i = 0; i < 16; i++) {
      state.put("k" + i, "value-" + i);
    }
    state.put("plan", new JsonObject().put("steps", new io.vertx.core.json.JsonArray().add("a").add("b")));
    Instant now = Instant.parse("2026-12-01T00:00:00Z");
    workflow = Workflow.created(new WorkflowKey("acme", "wf-1"), new NewWorkflow("running", state,
        new JsonObject().put("o", 1), 600), now, 1764547200000000L).asOf("running", state, new JsonObject().put("o", 1),
        7, now).withEvent("1764547200000000-9", 9);
    patchBody = new JsonObject().put("state", new JsonObject().put("k3", "changed-value-123"));
    rules = new WorkflowRules(1800, 2_592_000);
    event = new JsonObject().put("id", "1764547200000000-10").put("workflow_id", "wf-1").put("seq", 10)
        .put("type", "state.updated").put("version", 8).put("data", patchBody).putNull("parent_id")
        .put("metadata", new JsonObject()).put("actor", "alice").put("created_at", "2026-12-01T00:00:00.000Z");
    delivery = EventDelivery.of("acme:wf-1", event);
  }

  /** Validate a PATCH body and compute the new workflow (per mutation, on the workflow verticle). */
  @Benchmark
  public PatchPlan validateAndPlanPatch() {
    return PatchPlan.of(workflow, rules.patch(patchBody.copy()));
  }

  /** Apply a merge patch alone (RFC 7396). */
  @Benchmark
  public JsonObject mergePatch() {
    return MergePatch.apply(workflow.state(), patchBody.getJsonObject("state"));
  }

  /** Encode the event once per instance (done by the script on Redis, by the verticle in memory). */
  @Benchmark
  public String encodeEvent() {
    return event.encode();
  }

  /** Per instance and event: build the one shared SSE frame from the delivery (passed as is on the local bus). */
  @Benchmark
  public Buffer deliveryToFrame() {
    return SseFrames.event(delivery.id(), delivery.type(), delivery.json());
  }
}
