package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.BusClient;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.workflow.Ids;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code GET /api/v1/stream?workflow=a&workflow=b}: one {@link SseStream} carrying several workflows of the
 * caller's tenant, for browsers that may hold only a few connections per origin. Repeated ids count once.
 */
public final class MultiStreamEndpoint implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final SseStream.Settings settings;
  private final RateLimits limits;
  private final int maxWorkflows;

  public MultiStreamEndpoint(Vertx vertx, StreamRegistry registry, BusClient bus, SseStream.Settings settings,
      RateLimits limits, int maxWorkflows) {
    this.vertx = vertx;
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.limits = limits;
    this.maxWorkflows = maxWorkflows;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = StreamRequests.reader(ctx);
    List<String> ids = workflowIds(ctx);
    if (!ctx.queryParam("presence").isEmpty()) {
      throw ApiException.badRequest("presence is for the stream of one workflow (/api/v1/workflows/{id}/stream"
          + "?presence=...), or PUT /api/v1/workflows/{id}/presence");
    }
    boolean messages = StreamRequests.messageFormat(ctx);
    Map<String, WorkflowFeed.Start> starts = ResumeId.starts(ids, StreamRequests.lastEventId(ctx), maxWorkflows);
    ids.forEach(caller::requireWorkflow);
    List<WorkflowKey> workflows = ids.stream().map(id -> new WorkflowKey(caller.tenant(), id)).toList();
    StreamRequests.open(ctx, caller, limits,
        release -> new SseStream(vertx, ctx.request(), workflows, true, messages, registry, bus, settings,
            release).open(caller, key -> starts.get(key.id())));
  }

  /** The distinct {@code workflow} parameters in the order given. */
  private List<String> workflowIds(RoutingContext ctx) {
    List<String> given = ctx.queryParam("workflow");
    if (given.isEmpty()) {
      throw ApiException.badRequest("name the workflows to stream: ?workflow=<id>&workflow=<id>...");
    }
    Set<String> distinct = new LinkedHashSet<>();
    for (int i = 0; i < given.size(); i++) {
      if (!Ids.valid(given.get(i))) {
        // the position, not the value: the value may be anything, of any length
        throw ApiException.badRequest("workflow parameter " + (i + 1) + " is not a workflow id; ids are "
            + Ids.rule());
      }
      distinct.add(given.get(i));
    }
    if (distinct.size() > maxWorkflows) {
      throw ApiException.badRequest("at most " + maxWorkflows + " workflows per stream; " + distinct.size()
          + " were given");
    }
    return new ArrayList<>(distinct);
  }
}
