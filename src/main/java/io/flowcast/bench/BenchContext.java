package io.flowcast.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

/**
 * What a scenario runs with: the options, the client's lanes (one per event loop), tokens and run id.
 * Publishers get a lane of their own, so a publisher is never kept waiting behind the reads of
 * hundreds of subscriber streams on its event loop (in production they are other processes).
 */
final class BenchContext {
  private final Vertx vertx;
  private final BenchOptions options;
  private final BenchTokens tokens;
  private final List<Lane> lanes;
  private final Lane publishing;
  private final String runId = UUID.randomUUID().toString().substring(0, 8);

  private BenchContext(Vertx vertx, BenchOptions options, BenchTokens tokens, List<Lane> lanes, Lane publishing) {
    this.vertx = vertx;
    this.options = options;
    this.tokens = tokens;
    this.lanes = lanes;
    this.publishing = publishing;
  }

  /** Event loops the client needs: one per lane ({@code --threads}) and the publishers' own. */
  static int eventLoops(BenchOptions options) {
    return options.threads() + 1;
  }

  /**
   * Deploys one lane per event loop ({@code --threads}), and the publishers' lane; call from main, not
   * from an event loop.
   */
  static BenchContext create(Vertx vertx, BenchOptions options) {
    int threads = options.threads();
    int apiPerLane = (options.connections() + options.publishers()) / threads + 64;
    int ssePerLane = Math.max(options.subscribers(), options.streams()) / threads + 64;
    if (options.coldStart() != null) {
      // open loop: edits may wait for a slow instance, each in flight on a connection of its own (sessions bound
      // them per session; cold-start does not, so its edits beyond that wait in the queue)
      apiPerLane = options.coldStart().sessions() * SessionsScenario.MAX_IN_FLIGHT / threads + 64;
      ssePerLane = options.coldStart().sessions() / threads + 64;
    }
    List<Lane> lanes = deployLanes(vertx, threads, apiPerLane, ssePerLane);
    Lane publishing = deployLanes(vertx, 1, options.publishers() + 64, 1).get(0);
    return new BenchContext(vertx, options, BenchTokens.create(vertx, options), lanes, publishing);
  }

  private static List<Lane> deployLanes(Vertx vertx, int count, int apiConnections, int sseConnections) {
    List<Lane> lanes = new CopyOnWriteArrayList<>();
    vertx.deployVerticle(() -> new VerticleBase() {
      @Override
      public Future<?> start() {
        lanes.add(new Lane(context, apiConnections, sseConnections));
        return Future.succeededFuture();
      }
    }, new DeploymentOptions().setInstances(count)).await();
    return List.copyOf(lanes);
  }

  Vertx vertx() {
    return vertx;
  }

  BenchOptions options() {
    return options;
  }

  BenchTokens tokens() {
    return tokens;
  }

  Lane lane(int i) {
    return lanes.get(i % lanes.size());
  }

  /** The lane of the fan-out publishers. */
  Lane publishingLane() {
    return publishing;
  }

  /** This run's id, 8 hex digits: in its workflow ids, key prefix and database name. */
  String runId() {
    return runId;
  }

  /** Bench workflows are named per run, so runs never collide: {@code bench-<run>-<i>}. */
  String workflowId(int i) {
    return "bench-" + runId + "-" + i;
  }

  /** Seconds a bench-created workflow and token live: the whole run and a margin. */
  int lifetimeSeconds() {
    return options.warmupSeconds() + options.durationSeconds() + options.drainSeconds() + 600;
  }

  /** CPU use during the window's measured part (completes at its end). */
  Future<JsonObject> cpuDuring(Window window) {
    return cpuDuring(window, options.serverPids());
  }

  /** The same, for the processes {@code pids} rather than {@code --server-pid}. */
  Future<JsonObject> cpuDuring(Window window, List<Long> pids) {
    CpuSampler sampler = new CpuSampler(pids);
    Promise<JsonObject> figures = Promise.promise();
    long now = System.nanoTime();
    vertx.setTimer(Math.max(1, (window.measureStart() - now) / 1_000_000), id -> sampler.start());
    vertx.setTimer(Math.max(2, (window.end() - now) / 1_000_000), id -> figures.complete(sampler.stop()));
    return figures.future();
  }

  /**
   * Events per SSE write on the Flowcast server at {@code baseUrl} during the window's measured part,
   * from its {@code /metrics}; null when the server does not tell.
   */
  Future<Double> eventsPerWriteDuring(Window window, String baseUrl) {
    Promise<ServerWrites.Reading> first = Promise.promise();
    Promise<Double> figure = Promise.promise();
    long now = System.nanoTime();
    vertx.setTimer(Math.max(1, (window.measureStart() - now) / 1_000_000),
        id -> publishing.call(() -> ServerWrites.read(publishing, baseUrl)).onComplete(first));
    vertx.setTimer(Math.max(2, (window.end() - now) / 1_000_000),
        id -> first.future().compose(before -> publishing.call(() -> ServerWrites.read(publishing, baseUrl))
                .map(after -> after.eventsPerWriteSince(before)))
            .otherwise((Double) null)
            .onComplete(figure));
    return figure.future();
  }

  /** The server's flush lag and backlog, sampled every 250 ms during the window's measured part. */
  Future<FlushLag> flushLagDuring(Window window, String baseUrl) {
    FlushLag lag = new FlushLag();
    Promise<FlushLag> done = Promise.promise();
    long now = System.nanoTime();
    vertx.setTimer(Math.max(1, (window.measureStart() - now) / 1_000_000), first -> {
      long periodic = vertx.setPeriodic(0, FlushLag.SAMPLE_MS,
          id -> publishing.call(() -> lag.sample(publishing, baseUrl)));
      vertx.setTimer(Math.max(1, (window.end() - System.nanoTime()) / 1_000_000), last -> {
        vertx.cancelTimer(periodic);
        done.complete(lag);
      });
    });
    return done.future();
  }

  Future<Void> sleep(long ms) {
    Promise<Void> promise = Promise.promise();
    vertx.setTimer(Math.max(1, ms), id -> promise.complete());
    return promise.future();
  }

  Future<Void> close() {
    return Future.join(Stream.concat(lanes.stream(), Stream.of(publishing)).map(Lane::close).toList()).mapEmpty();
  }
}
