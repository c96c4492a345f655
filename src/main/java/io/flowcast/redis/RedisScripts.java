package io.flowcast.redis;

import io.vertx.core.Future;
import io.vertx.redis.client.Command;
import io.vertx.redis.client.Redis;
import io.vertx.redis.client.Request;
import io.vertx.redis.client.Response;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The Lua scripts under {@code src/main/resources/lua/}: the workflow scripts with the shared
 * {@code _lib.lua} prepended, or standalone ones.
 * Called by SHA; a Redis that lost its script cache (restart, failover, a cluster node that never ran it)
 * answers NOSCRIPT and the script is sent whole once ({@code EVAL}, routed like the call by its keys).
 * The workflow scripts are also one Redis function library ({@link RedisFunctions}): given one, they are
 * called with {@code FCALL}, and by SHA only while it cannot be loaded.
 */
public final class RedisScripts {
  private static final String LIB = "_lib";
  /**
   * What a workflow script runs first, after {@code _lib.lua}: its keys and arguments by name, and the
   * Idempotency-Key check, which may end the script (see {@code begin} in {@code _lib.lua}).
   */
  static final String BEGIN = "local unclaimed = begin(KEYS, ARGV)\nif unclaimed then return unclaimed end\n";
  /** The workflow scripts (every script under lua/ but {@code _lib} and the standalone ones). */
  static final List<String> WORKFLOW = List.of("create", "patch", "append", "delete", "read", "events", "expired",
      "restore", "change", "presence", "action_enqueue", "action_claim", "action_heartbeat", "action_settle",
      "action_read", "interrupt_raise", "interrupt_resolve", "interrupt_read", "output_append", "output_rollup",
      "output_close", "output_list");
  private final Map<String, String> sources = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, String> shas = new java.util.concurrent.ConcurrentHashMap<>();
  private final Map<String, List<String>> argNames = new java.util.concurrent.ConcurrentHashMap<>();
  /** A workflow script's declaration of its own arguments: {@code local arg = args('a', 'b', 'rest...')}. */
  private static final java.util.regex.Pattern ARGS =
      java.util.regex.Pattern.compile("(?m)^local arg = args\\(([^)]*)\\)");
  private final String prelude;
  private final RedisFunctions functions;

  /** The workflow scripts, each loaded on first use with {@code _lib.lua} in front; called by SHA. */
  public RedisScripts() {
    this(List.of(), prelude(), null);
  }

  /** The same, called as the functions of {@code functions} while that library is loaded. */
  RedisScripts(RedisFunctions functions) {
    this(List.of(), prelude(), functions);
  }

  private RedisScripts(List<String> names, String prelude, RedisFunctions functions) {
    this.prelude = prelude;
    this.functions = functions;
    names.forEach(this::load);
  }

  /** {@code _lib.lua} and {@link #BEGIN}: what every workflow script runs before its own code. */
  private static String prelude() {
    return read(LIB) + "\n" + BEGIN;
  }

  /** Scripts that stand alone, without the workflow prelude. */
  public static RedisScripts standalone(List<String> names) {
    return new RedisScripts(names, "", null);
  }

  private String load(String name) {
    return shas.computeIfAbsent(name, n -> {
      String source = prelude + read(n);
      sources.put(n, source);
      return sha1(source);
    });
  }

  /**
   * The names of a workflow script's own arguments, in order, as its {@code args(...)} line declares
   * them (none when it declares none).
   */
  public List<String> argNames(String name) {
    return argNames.computeIfAbsent(name, n -> {
      java.util.regex.Matcher m = ARGS.matcher(read(n));
      if (!m.find()) {
        return List.of();
      }
      return java.util.Arrays.stream(m.group(1).split(",")).map(String::trim)
          .map(quoted -> quoted.replaceAll("^'|'$", "")).filter(declared -> !declared.isEmpty()).toList();
    });
  }

  /** Runs a script with the workflow's keys and arguments. */
  public Future<Response> run(Redis redis, String name, List<String> keys, List<String> args) {
    if (functions != null && functions.covers(name)) {
      return functions.call(name, function -> redis.send(call(Command.FCALL, function, keys, args)),
          () -> bySha(redis, name, keys, args));
    }
    return bySha(redis, name, keys, args);
  }

  private Future<Response> bySha(Redis redis, String name, List<String> keys, List<String> args) {
    String sha = load(name);
    return redis.send(call(Command.EVALSHA, sha, keys, args)).recover(err -> {
      if (err.getMessage() != null && err.getMessage().startsWith("NOSCRIPT")) {
        // EVAL (not SCRIPT LOAD, which has no key): it goes to the node of the keys and caches it there
        return redis.send(call(Command.EVAL, sources.get(name), keys, args));
      }
      return Future.failedFuture(err);
    });
  }

  /**
   * Runs a script and then {@code WAIT}s for {@code replicas} replicas to have it, on the same connection
   * (one batch: WAIT counts the writes of its own connection, and a cluster client sends a batch to the
   * node of its keys). Fails with {@link NotReplicated} when fewer replicas confirmed in time: the change
   * is on the master, but a failover could lose it, so it is not acknowledged.
   */
  public Future<Response> runReplicated(Redis redis, String name, List<String> keys, List<String> args, int replicas,
      long timeoutMs) {
    Request wait = Request.cmd(Command.WAIT).arg(replicas).arg(timeoutMs);
    Future<List<Response>> replies;
    if (functions != null && functions.covers(name)) {
      replies = functions.call(name, function -> redis.batch(List.of(call(Command.FCALL, function, keys, args), wait)),
          () -> batchBySha(redis, name, keys, args, wait));
    } else {
      replies = batchBySha(redis, name, keys, args, wait);
    }
    return replies.compose(r -> r.get(1).toInteger() >= replicas ? Future.succeededFuture(r.get(0))
        : Future.failedFuture(new NotReplicated(r.get(1).toInteger(), replicas)));
  }

  private Future<List<Response>> batchBySha(Redis redis, String name, List<String> keys, List<String> args,
      Request wait) {
    String sha = load(name);
    return redis.batch(List.of(call(Command.EVALSHA, sha, keys, args), wait)).recover(err -> {
      // a batch reports a failed command as "ERR [<index>] <Redis's error>"
      if (err.getMessage() != null && err.getMessage().contains("NOSCRIPT")) {
        return redis.batch(List.of(call(Command.EVAL, sources.get(name), keys, args), wait));
      }
      return Future.failedFuture(err);
    });
  }

  /** A change reached the master but not the replicas {@code redis.wait_replicas} asks for. */
  public static final class NotReplicated extends RuntimeException {
    NotReplicated(int confirmed, int wanted) {
      super(confirmed + " of " + wanted + " Redis replicas confirmed the change in time", null, false, false);
    }
  }

  private static Request call(Command command, String script, List<String> keys, List<String> args) {
    Request request = Request.cmd(command).arg(script).arg(keys.size());
    keys.forEach(request::arg);
    args.forEach(request::arg);
    return request;
  }

  /** The source of {@code lua/<name>.lua}. */
  static String read(String name) {
    String path = "lua/" + name + ".lua";
    try (InputStream in = RedisScripts.class.getClassLoader().getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is missing from the classpath");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new IllegalStateException("cannot read " + path, e);
    }
  }

  static String sha1(String source) {
    try {
      byte[] digest = java.security.MessageDigest.getInstance("SHA-1")
          .digest(source.getBytes(StandardCharsets.UTF_8));
      StringBuilder hex = new StringBuilder();
      for (byte b : digest) {
        hex.append(String.format("%02x", b));
      }
      return hex.toString();
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
