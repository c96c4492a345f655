package io.flowcast.startup;

import io.flowcast.auth.Caller;
import io.flowcast.auth.JwtSupport;
import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.jwt.JWTAuth;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Warms a fresh instance's hot paths before {@code /ready} answers 200 ({@code startup.warmup}): sessions
 * over this instance's own HTTP port, in a scratch tenant of their own ({@value #TENANT}, workflows
 * {@code warmup-<run>-<n>}), each create a workflow, watch it over SSE, patch it and publish events on
 * it, read it and its history, and delete it. Every layer a user's request goes through runs (HTTP,
 * tokens, rate limits, the event bus, the store and its Lua scripts, fan-out, SSE, the flusher), so
 * the JIT compiles them and the pools open before users come, not while they wait. The workflows are
 * deleted at the end, and their rows in PostgreSQL after they are flushed ({@link WarmupCleanup}); no
 * other tenant's data is read or written.
 */
public final class Warmup {
  /** The scratch tenant: users' workflows live under their own tenants, never this one. */
  public static final String TENANT = "flowcast.warmup";
  /** Operations per session: within a subject's write burst, so the default rate limits never refuse them. */
  static final int OPS_PER_SESSION = 25;
  static final int MAX_SESSIONS = 400;
  /**
   * Sessions running at once. A cold instance is slow: hundreds of sessions at once would pile up behind
   * its interpreted code until Redis calls time out, and the warm-up would warm nothing.
   */
  static final int PARALLEL = 16;
  /** A pass after which the JIT compiled for more than this share of the time calls for another one. */
  static final double JIT_BUSY = 0.25;
  private static final CompilationMXBean JIT = ManagementFactory.getCompilationMXBean();
  private static final Logger log = LoggerFactory.getLogger(Warmup.class);

  private final Vertx vertx;
  private final FlowcastConfig config;
  private final String host;
  private final int port;
  private final String run = UUID.randomUUID().toString().substring(0, 8);

  /** @param port the port this instance listens on (the actual one when {@code http.port} is 0) */
  public Warmup(Vertx vertx, FlowcastConfig config, int port) {
    this.vertx = vertx;
    this.config = config;
    String listen = config.httpHost();
    this.host = listen.equals("0.0.0.0") || listen.equals("::") || listen.isEmpty() ? "127.0.0.1" : listen;
    this.port = port;
  }

  /** The prefix of the warm-up's workflow ids, {@code warmup-<run>-}. */
  public String idPrefix() {
    return "warmup-" + run + "-";
  }

  /**
   * Runs a pass of {@code operations} edits (patches and events; plus each session's create, stream, reads
   * and delete), then more passes while the JIT compiler is still busy (it compiled for more than
   * {@value #JIT_BUSY} of the wall time of the last pass: the load has not yet reached its compiled
   * code), until {@code maxMs} after the start. Completes with what was done; never fails: a warm-up that
   * goes wrong is logged, and the instance serves anyway (colder).
   */
  public Future<Result> run(int operations, long maxMs) {
    long started = System.nanoTime();
    long deadline = started + TimeUnit.MILLISECONDS.toNanos(maxMs);
    int perPass = Math.max(1, Math.min(MAX_SESSIONS, (operations + OPS_PER_SESSION - 1) / OPS_PER_SESSION));
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true).setTcpNoDelay(true).setDefaultHost(host).setDefaultPort(port);
    HttpClient client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(PARALLEL)
        .setMaxWaitQueueSize(-1));
    // streams on connections of their own, which each session closes itself before it deletes its workflow
    HttpClient streams = vertx.createHttpClient(new HttpClientOptions(options),
        new PoolOptions().setHttp1MaxSize(PARALLEL).setMaxWaitQueueSize(-1));
    Tally tally = new Tally(JwtSupport.provider(vertx, config), operations, perPass, deadline);
    return pass(client, streams, tally)
        .transform(ar -> {
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          Result result = new Result(tally.sessions, tally.passes, tally.done.get(), tally.failed.get(), ms,
              Math.round(tally.jitBusy * 100) / 100.0, tally.finished);
          if (!tally.finished || tally.failed.get() > 0) {
            log.warn("warm-up: {}; the instance serves anyway", result);
          } else {
            log.info("warm-up: {}", result);
          }
          return client.close().eventually(streams::close).transform(closed -> Future.succeededFuture(result));
        });
  }

  /** What the passes share: counters, the token provider, the bound. */
  private static final class Tally {
    final JWTAuth jwt;
    final int operations;
    final int perPass;
    final long deadline;
    final AtomicLong done = new AtomicLong();
    final AtomicLong failed = new AtomicLong();
    int sessions;
    int passes;
    double jitBusy;
    boolean finished;

    Tally(JWTAuth jwt, int operations, int perPass, long deadline) {
      this.jwt = jwt;
      this.operations = operations;
      this.perPass = perPass;
      this.deadline = deadline;
    }
  }

  private Future<Void> pass(HttpClient client, HttpClient streams, Tally tally) {
    long compiling = JIT.isCompilationTimeMonitoringSupported() ? JIT.getTotalCompilationTime() : -1;
    long began = System.nanoTime();
    List<WarmupSession> all = new ArrayList<>();
    for (int i = 0; i < tally.perPass; i++) {
      int ops = tally.operations / tally.perPass + (i < tally.operations % tally.perPass ? 1 : 0);
      int n = tally.sessions++;
      String token = JwtSupport.mint(tally.jwt, config, "flowcast-warmup-" + run + "-" + n, TENANT,
          Caller.READ + " " + Caller.WRITE, 600);
      all.add(new WarmupSession(client, streams, idPrefix() + n, token, ops, tally.done, tally.failed));
    }
    tally.passes++;
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(PARALLEL, all.size()); lane++) {
      lanes.add(sessionsOf(all, next, tally.deadline));
    }
    return Future.join(lanes).transform(ar -> {
      long now = System.nanoTime();
      tally.jitBusy = compiling < 0 ? 0
          : (JIT.getTotalCompilationTime() - compiling) / Math.max(1.0, (now - began) / 1e6);
      if (next.get() < all.size() || now > tally.deadline) {
        return Future.succeededFuture(); // cut short at the bound
      }
      if (tally.jitBusy > JIT_BUSY && now < tally.deadline) {
        return pass(client, streams, tally);
      }
      tally.finished = true;
      return Future.succeededFuture();
    });
  }

  /** Runs the sessions one after another (each lane takes the next one not yet taken) until the deadline. */
  private static Future<Void> sessionsOf(List<WarmupSession> all, AtomicInteger next, long deadline) {
    if (System.nanoTime() > deadline) {
      return Future.succeededFuture();
    }
    int i = next.getAndIncrement();
    if (i >= all.size()) {
      return Future.succeededFuture();
    }
    return all.get(i).run().transform(ar -> sessionsOf(all, next, deadline));
  }

  /**
   * What a warm-up did: its sessions and passes, requests answered with success and not, how long it took,
   * the JIT's busy share during the last pass, and whether it ended because the JIT settled (not the bound).
   */
  public record Result(int sessions, int passes, long requests, long failed, long millis, double jitBusy,
      boolean finished) {
    public JsonObject toJson() {
      return new JsonObject().put("sessions", sessions).put("passes", passes).put("requests", requests)
          .put("failed", failed).put("ms", millis).put("jit_busy", jitBusy).put("finished", finished);
    }

    @Override
    public String toString() {
      return passes + (passes == 1 ? " pass, " : " passes, ") + sessions + " sessions, " + requests + " requests"
          + (failed > 0 ? " (" + failed + " failed)" : "") + " in " + millis + " ms; the JIT compiled for "
          + Math.round(jitBusy * 100) + " % of the last pass" + (finished ? "" : ", cut short by startup.warmup_max_ms");
    }
  }
}
