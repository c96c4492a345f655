package io.flowcast.redis;

import io.flowcast.config.RedisTarget;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.RedisClientType;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The workflow scripts as one Redis function library: {@code _lib.lua} once, then each script as a function
 * that runs {@link RedisScripts#BEGIN} and its own code. Called with {@code FCALL}, a script no longer runs
 * {@code _lib.lua}'s definitions before its own code on every call, as {@code EVALSHA} of the prelude and the
 * script does (docs/PERFORMANCE.md, figure 19).
 * <p>
 * The library is loaded ({@code FUNCTION LOAD}) on every master when first needed, and again when a node
 * answers that it has no such function (a restart that lost it, a node new to the cluster, a
 * {@code FUNCTION FLUSH}): the call then waits for the load and is sent again. The names of the library and
 * of its functions carry a hash of its text, so instances of different versions share a Redis (and key
 * prefixes share a library: it names no key). While it cannot be loaded (a user without
 * {@code FUNCTION LOAD}, a server without functions), the scripts run by SHA as before, and the load is
 * tried again after {@link #RETRY_MS}.
 */
final class RedisFunctions {
  private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(RedisFunctions.class);
  /** How long scripts run by SHA after a failed load before it is tried again. */
  static final long RETRY_MS = 60_000;

  /** Loads a library on every master (each answer: loaded, or Redis's error). */
  interface Loader {
    Future<Void> load(String library);
  }

  private final Set<String> names;
  private final String hash;
  private final String source;
  private final Loader loader;
  private volatile Future<Void> loaded;
  private long failedAt;

  /**
   * @param names the workflow scripts it holds
   * @param allowOom those among them that only read (and refresh TTLs): they run when Redis is out of
   *     memory, as they do by SHA (a function without flags is refused then, before it runs)
   */
  RedisFunctions(List<String> names, Set<String> allowOom, Loader loader) {
    this.names = Set.copyOf(names);
    this.loader = loader;
    String body = body(names, allowOom);
    this.hash = RedisScripts.sha1(body).substring(0, 16);
    this.source = "#!lua name=flowcast_" + hash + "\n" + body.replace(NAME, "fc_" + hash + "_");
  }

  private static final String NAME = "\u0000";

  private static String body(List<String> names, Set<String> allowOom) {
    StringBuilder b = new StringBuilder(RedisScripts.read("_lib")).append('\n');
    for (String name : names) {
      b.append("redis.register_function{function_name = '").append(NAME).append(name)
          .append("', callback = function(KEYS, ARGV)\n").append(RedisScripts.BEGIN)
          .append(RedisScripts.read(name)).append("\nend");
      if (allowOom.contains(name)) {
        b.append(", flags = {'allow-oom'}");
      }
      b.append("}\n");
    }
    return b.toString();
  }

  /** The library's source, as {@code FUNCTION LOAD} takes it. */
  String source() {
    return source;
  }

  /** The name of the library ({@code FUNCTION LIST}, {@code FUNCTION DELETE}). */
  String library() {
    return "flowcast_" + hash;
  }

  boolean covers(String name) {
    return names.contains(name);
  }

  /** The function that runs the script {@code name}. */
  String function(String name) {
    return "fc_" + hash + "_" + name;
  }

  /**
   * Sends {@code fcall} (given the function's name) once the library is loaded, once more after a node
   * said it had no such function and the library was loaded again; sends {@code bySha} instead while the
   * library cannot be loaded.
   */
  <T> Future<T> call(String name, Function<String, Future<T>> fcall, Supplier<Future<T>> bySha) {
    return attempt(name, fcall, bySha, true);
  }

  private <T> Future<T> attempt(String name, Function<String, Future<T>> fcall, Supplier<Future<T>> bySha,
      boolean again) {
    Future<Void> ready = ready();
    if (ready.succeeded()) {
      return fcall.apply(function(name)).recover(err -> missing(err, ready, name, fcall, bySha, again));
    }
    return ready.transform(ar -> ar.succeeded()
        ? fcall.apply(function(name)).recover(err -> missing(err, ready, name, fcall, bySha, again))
        : bySha.get());
  }

  private <T> Future<T> missing(Throwable err, Future<Void> ready, String name, Function<String, Future<T>> fcall,
      Supplier<Future<T>> bySha, boolean again) {
    String message = err.getMessage() == null ? "" : err.getMessage();
    if (message.contains("NOPERM") && message.contains("'fcall'")) {
      // a user that may load functions but not call them: by SHA, as without the library
      synchronized (this) {
        if (loaded == ready) {
          failed(err);
          loaded = Future.failedFuture(err);
        }
      }
      return bySha.get();
    }
    if (!message.contains("Function not found")) {
      return Future.failedFuture(err);
    }
    synchronized (this) {
      if (loaded == ready) {
        loaded = null; // lost: the next call loads it again
      }
    }
    return again ? attempt(name, fcall, bySha, false) : bySha.get();
  }

  /** The load in flight or done; a new one when none was tried, or the last failed long enough ago. */
  private Future<Void> ready() {
    Future<Void> current = loaded;
    if (current != null && current.succeeded()) {
      return current;
    }
    synchronized (this) {
      if (loaded == null || (loaded.failed() && System.currentTimeMillis() - failedAt >= RETRY_MS)) {
        loaded = load();
      }
      return loaded;
    }
  }

  private Future<Void> load() {
    Future<Void> loading;
    try {
      loading = loader.load(source);
    } catch (RuntimeException e) {
      loading = Future.failedFuture(e);
    }
    return loading.onSuccess(v -> log.debug("Redis function library {} loaded", library())).onFailure(this::failed);
  }

  private synchronized void failed(Throwable err) {
    failedAt = System.currentTimeMillis();
    log.warn("Redis function library {} could not be used ({}): workflow scripts run by SHA (EVALSHA), and "
        + "the library is tried again in {} s", library(), err.getMessage(), RETRY_MS / 1000);
  }

  /**
   * Loads a library on the master of a standalone or Sentinel target through {@code commands}, or on every
   * master of a cluster (learnt with {@code CLUSTER SLOTS}, each over a connection of its own: a keyless
   * command on the cluster client goes to any one node). A library of that name already there counts as
   * loaded (its name says its text).
   */
  static Loader everyMaster(Vertx vertx, Redis commands, RedisTarget target, long timeoutMs) {
    return library -> {
      if (target == null || target.type() != RedisClientType.CLUSTER) {
        return loadOn(commands, library, timeoutMs);
      }
      return commands.send(Request.cmd(Command.CLUSTER).arg("SLOTS")).timeout(timeoutMs, TimeUnit.MILLISECONDS)
          .compose(ranges -> {
            List<String> masters = new ArrayList<>();
            for (Response range : ranges) {
              Response master = range.get(2);
              String endpoint = master.get(0).toString() + ":" + master.get(1).toInteger();
              if (!masters.contains(endpoint)) {
                masters.add(endpoint);
              }
            }
            List<Future<Void>> each = new ArrayList<>();
            for (String endpoint : masters) {
              Redis node = RedisClients.pooled(vertx, target.node(endpoint), 1, (int) timeoutMs);
              each.add(loadOn(node, library, timeoutMs).eventually(node::close));
            }
            return Future.all(each).mapEmpty();
          });
    };
  }

  private static Future<Void> loadOn(Redis redis, String library, long timeoutMs) {
    return redis.send(Request.cmd(Command.FUNCTION).arg("LOAD").arg(library)).timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .<Void>mapEmpty().recover(err -> err.getMessage() != null && err.getMessage().contains("already exists")
            ? Future.succeededFuture() : Future.failedFuture(err));
  }
}
