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
  static final long TIMEOUT_MS = 60_000;
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
   * Runs {@code operations} operations (patches and events; plus each session's create, stream, reads and
   * delete) and completes with what was done; never fails: a warm-up that goes wrong is logged, and the
   * instance serves anyway (colder).
   */
  public Future<Result> run(int operations) {
    long started = System.nanoTime();
    int sessions = Math.max(1, Math.min(MAX_SESSIONS, (operations + OPS_PER_SESSION - 1) / OPS_PER_SESSION));
    HttpClientOptions options = new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true).setTcpNoDelay(true).setDefaultHost(host).setDefaultPort(port);
    HttpClient client = vertx.createHttpClient(options, new PoolOptions().setHttp1MaxSize(sessions)
        .setMaxWaitQueueSize(-1));
    // streams on connections of their own: a stream the server ends (the workflow deleted) must not hand
    // its connection back to the pool for a request while the server closes it
    HttpClient streams = vertx.createHttpClient(new HttpClientOptions(options).setKeepAlive(false),
        new PoolOptions().setHttp1MaxSize(sessions).setMaxWaitQueueSize(-1));
    JWTAuth jwt = JwtSupport.provider(vertx, config);
    AtomicLong done = new AtomicLong();
    AtomicLong failed = new AtomicLong();
    List<WarmupSession> all = new ArrayList<>();
    for (int i = 0; i < sessions; i++) {
      int ops = operations / sessions + (i < operations % sessions ? 1 : 0);
      String token = JwtSupport.mint(jwt, config, "flowcast-warmup-" + run + "-" + i, TENANT,
          Caller.READ + " " + Caller.WRITE, (int) (TIMEOUT_MS / 1000) + 60);
      all.add(new WarmupSession(client, streams, idPrefix() + i, token, ops, done, failed));
    }
    long deadline = started + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
    AtomicInteger next = new AtomicInteger();
    List<Future<Void>> lanes = new ArrayList<>();
    for (int lane = 0; lane < Math.min(PARALLEL, sessions); lane++) {
      lanes.add(sessionsOf(all, next, deadline));
    }
    return Future.join(lanes).timeout(TIMEOUT_MS, TimeUnit.MILLISECONDS)
        .transform(ar -> {
          long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
          boolean finished = ar.succeeded() && next.get() >= sessions && System.nanoTime() <= deadline;
          Result result = new Result(sessions, done.get(), failed.get(), ms, finished);
          if (!finished || failed.get() > 0) {
            log.warn("warm-up: {}; the instance serves anyway", result);
          } else {
            log.info("warm-up: {}", result);
          }
          return client.close().eventually(streams::close).transform(closed -> Future.succeededFuture(result));
        });
  }

  /** Runs the sessions one after another (each lane takes the next one not yet taken) until the deadline. */
  private static Future<Void> sessionsOf(List<WarmupSession> all, AtomicInteger next, long deadline) {
    int i = next.getAndIncrement();
    if (i >= all.size() || System.nanoTime() > deadline) {
      return Future.succeededFuture();
    }
    return all.get(i).run().transform(ar -> sessionsOf(all, next, deadline));
  }

  /** What a warm-up did: its sessions, requests answered with success and not, and how long it took. */
  public record Result(int sessions, long requests, long failed, long millis, boolean finished) {
    public JsonObject toJson() {
      return new JsonObject().put("sessions", sessions).put("requests", requests).put("failed", failed)
          .put("ms", millis).put("finished", finished);
    }

    @Override
    public String toString() {
      return sessions + " sessions, " + requests + " requests" + (failed > 0 ? " (" + failed + " failed)" : "")
          + " in " + millis + " ms" + (finished ? "" : ", cut short at " + TIMEOUT_MS / 1000 + " s");
    }
  }
}
