package io.flowcast.sse;

import io.flowcast.auth.Caller;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.BusClient;
import io.flowcast.ratelimit.RateLimits;
import io.flowcast.workflow.Ids;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.ext.web.RoutingContext;

import java.util.List;

/** {@code GET /api/v1/workflows/{id}/stream}: opens an {@link SseStream} of one workflow for the caller. */
public final class StreamEndpoint implements Handler<RoutingContext> {
  private final Vertx vertx;
  private final StreamRegistry registry;
  private final BusClient bus;
  private final SseStream.Settings settings;
  private final RateLimits limits;
  private final long presenceLeaseMs;

  /** @param presenceLeaseMs how long a stream's presence lease runs between renewals ({@code presence.lease_ms}) */
  public StreamEndpoint(Vertx vertx, StreamRegistry registry, BusClient bus, SseStream.Settings settings,
      RateLimits limits, long presenceLeaseMs) {
    this.presenceLeaseMs = presenceLeaseMs;
    this.vertx = vertx;
    this.registry = registry;
    this.bus = bus;
    this.settings = settings;
    this.limits = limits;
  }

  @Override
  public void handle(RoutingContext ctx) {
    Caller caller = StreamRequests.reader(ctx);
    String id = ctx.pathParam("id");
    if (!Ids.valid(id)) {
      throw ApiException.badRequest("workflow id must be " + Ids.rule());
    }
    // ?format=ag-ui: AG-UI events (docs/API.md, "AG-UI"), unnamed frames like format=message
    boolean agUi = "ag-ui".equals(ctx.request().getParam("format"));
    boolean messages = agUi || StreamRequests.messageFormat(ctx);
    // an AG-UI client rebuilds from snapshots: every AG-UI connection starts with one (docs/API.md, "AG-UI")
    WorkflowFeed.Start start = WorkflowFeed.Start.of(agUi ? null : StreamRequests.lastEventId(ctx));
    caller.requireWorkflow(id);
    List<WorkflowKey> workflow = List.of(new WorkflowKey(caller.tenant(), id));
    // ?presence=<status>: the caller is present while the stream lives (docs/API.md, "Presence")
    StreamPresence presence = StreamPresence.of(ctx, vertx, bus, caller, workflow.get(0), presenceLeaseMs);
    StreamRequests.open(ctx, caller, limits, release -> {
      if (presence == null) {
        SseStream stream = new SseStream(vertx, ctx.request(), workflow, false, messages, registry, bus, settings,
            release);
        return (agUi ? stream.agUi() : stream).open(caller, key -> start);
      }
      SseStream stream = new SseStream(vertx, ctx.request(), workflow, false, messages, registry, bus, settings,
          () -> {
            presence.end(registry);
            release.run();
          });
      if (agUi) {
        stream.agUi();
      }
      // joined before the stream opens: a client that sees its stream open is listed
      return presence.start()
          .recover(err -> {
            presence.end(registry);
            release.run();
            return Future.failedFuture(err);
          })
          .compose(joined -> stream.open(caller, key -> start));
    });
  }
}
