package io.flowcast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The options of {@code flowcast bench <scenario>}, parsed once and checked against bounds, so a typo or
 * an absurd value stops the run with a message naming the option before any connection is made.
 */
public record BenchOptions(String scenario, String url, String subscribeUrl, String publishUrl,
    String sseUrlTemplate, String publishUrlTemplate, boolean allowRemote, int connections, int workflows,
    int durationSeconds, int warmupSeconds, Mix mix, int subscribers, int rate, int publishers, int streams,
    List<Long> serverPids, String token, String tenant, int payloadBytes, int threads, int drainSeconds, String pgUrl,
    boolean json, int bridgePort, ColdStart coldStart, boolean feed, String chunksAs) {

  public static final Set<String> SCENARIOS = Set.of("write", "fanout", "idle", "cold-start", "tokens",
      "sessions");
  private static final Set<String> FLAGS = Set.of("--json", "--allow-remote", "--feed");
  private static final Set<String> COMMON = Set.of("--url", "--duration", "--workflows", "--token", "--tenant",
      "--threads", "--json", "--allow-remote", "--server-pid");
  private static final Map<String, Set<String>> SPECIFIC = Map.of(
      "tokens", Set.of("--subscribers", "--publishers", "--subscribe-url", "--publish-url", "--warmup", "--payload",
          "--drain", "--as", "--rate"),
      "write", Set.of("--connections", "--mix", "--warmup", "--payload", "--pg-url", "--drain"),
      "fanout", Set.of("--subscribers", "--rate", "--publishers", "--subscribe-url", "--publish-url",
          "--sse-url-template", "--publish-url-template", "--warmup", "--payload", "--drain", "--bridge-port", "--feed"),
      "idle", Set.of("--streams", "--subscribe-url", "--sse-url-template"),
      "cold-start", Set.of("--sessions", "--edits", "--redis-url", "--pg-url", "--jar", "--java-opts",
          "--from-second", "--server-log", "--drain", "--payload", "--instance-env"),
      "sessions", Set.of("--sessions", "--rate", "--event-mix", "--warmup", "--redis-url", "--pg-url", "--jar",
          "--java-opts", "--server-log", "--drain", "--payload", "--instance-env"));
  /** The options that set up the instance a run starts itself (not with {@code --url}). */
  private static final Set<String> INSTANCE = Set.of("--redis-url", "--jar", "--java-opts", "--server-log",
      "--instance-env");

  /**
   * What {@code bench cold-start} and {@code bench sessions} start and drive: the instance (its jar or, by
   * default, the one the bench runs from; JVM options; Redis and PostgreSQL), and the seed workload of N
   * sessions with M edits per second each, {@code eventShare} of them custom events (sessions);
   * {@code fromSecond} is where cold-start's "settled" summary starts; {@code external}: sessions on the
   * server at {@code --url} instead of an instance of the run's own.
   */
  public record ColdStart(int sessions, int edits, String redisUrl, String jar, List<String> javaOpts,
      int fromSecond, String serverLog, Map<String, String> instanceEnv, double eventShare, boolean external) {
  }

  /** A wrong command line; the message names the option. */
  public static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }

  /** Whether the run targets another SSE server through URL templates (no Flowcast API calls). */
  public boolean generic() {
    return sseUrlTemplate != null;
  }

  public static BenchOptions parse(String[] args) {
    if (args.length < 2 || !SCENARIOS.contains(args[1])) {
      throw new UsageException(args.length < 2 ? "a scenario is required" : "unknown scenario '" + args[1] + "'");
    }
    String scenario = args[1];
    Map<String, String> given = new HashMap<>();
    for (int i = 2; i < args.length; i++) {
      String arg = args[i];
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      if (!COMMON.contains(name) && !SPECIFIC.get(scenario).contains(name)) {
        throw new UsageException(name.startsWith("--") ? "option " + name + " does not apply to " + scenario
            : "unexpected argument '" + arg + "'");
      }
      if (FLAGS.contains(name)) {
        given.put(name, "true");
      } else if (arg.contains("=")) {
        given.put(name, arg.substring(arg.indexOf('=') + 1));
      } else if (i + 1 < args.length) {
        given.put(name, args[++i]);
      } else {
        throw new UsageException("option " + name + " needs a value");
      }
    }
    return build(scenario, given);
  }

  private static BenchOptions build(String scenario, Map<String, String> o) {
    String url = o.getOrDefault("--url", "http://127.0.0.1:8080");
    String sseTemplate = o.get("--sse-url-template");
    String publishTemplate = o.get("--publish-url-template");
    if (publishTemplate != null && sseTemplate == null) {
      throw new UsageException("--publish-url-template needs --sse-url-template (generic mode)");
    }
    if (scenario.equals("fanout") && sseTemplate != null && publishTemplate == null) {
      throw new UsageException("fanout in generic mode needs both --sse-url-template and --publish-url-template");
    }
    if (o.containsKey("--bridge-port") && sseTemplate != null) {
      throw new UsageException("--bridge-port subscribes through Flowcast's event-bus bridge: not in generic mode");
    }
    if (o.containsKey("--feed") && (sseTemplate != null || o.containsKey("--bridge-port"))) {
      throw new UsageException("--feed subscribes to Flowcast's tenant feed over SSE: not in generic mode, not with "
          + "--bridge-port");
    }
    if (o.containsKey("--feed") && !o.getOrDefault("--workflows", "1").equals("1")) {
      throw new UsageException("--feed measures one workflow's changes on every subscriber's feed: --workflows 1");
    }
    boolean ownInstance = scenario.equals("cold-start") || scenario.equals("sessions") && !o.containsKey("--url");
    if (scenario.equals("sessions") && !ownInstance) {
      for (String option : INSTANCE) {
        if (o.containsKey(option)) {
          throw new UsageException(option + " sets up the instance the run starts itself: not with --url");
        }
      }
    }
    if (scenario.equals("sessions") && ownInstance && o.containsKey("--server-pid")) {
      throw new UsageException("--server-pid is for --url: the run knows the pid of the instance it starts");
    }
    if (ownInstance && o.containsKey("--pg-url") && !o.containsKey("--redis-url")) {
      throw new UsageException("--pg-url needs --redis-url (persistence runs on the Redis backend)");
    }
    if (scenario.equals("write") && o.containsKey("--drain") && !o.containsKey("--pg-url")) {
      throw new UsageException("--drain is how long write waits for PostgreSQL: it needs --pg-url");
    }
    if (o.containsKey("--pg-url") && o.containsKey("--token") && !o.containsKey("--tenant")) {
      throw new UsageException("--pg-url with --token needs --tenant (the token's tenant, where PostgreSQL is read)");
    }
    int defaultWorkflows = switch (scenario) {
      case "write" -> 100;
      case "idle" -> 10;
      case "cold-start" -> 500;
      default -> 1;
    };
    BenchOptions options = new BenchOptions(scenario, url, o.getOrDefault("--subscribe-url", url),
        o.getOrDefault("--publish-url", url), sseTemplate, publishTemplate, o.containsKey("--allow-remote"),
        bounded(o, "--connections", 64, 1, 10_000),
        bounded(o, "--workflows", defaultWorkflows, 1, 100_000),
        bounded(o, "--duration", scenario.equals("cold-start") ? 30 : scenario.equals("sessions") ? 60 : 10, 1, 600),
        bounded(o, "--warmup", scenario.equals("idle") ? 0 : scenario.equals("sessions") ? 5 : 2, 0, 60),
        Mix.parse(o.getOrDefault("--mix", "patch")),
        bounded(o, "--subscribers", 100, 1, 50_000),
        bounded(o, "--rate", 1000, 0, 1_000_000),
        bounded(o, "--publishers", 4, 1, 1024),
        bounded(o, "--streams", 1000, 1, 100_000),
        pids(o.get("--server-pid")),
        o.get("--token"), o.getOrDefault("--tenant", "bench"),
        bounded(o, "--payload", 0, 0, 65_536),
        bounded(o, "--threads", Math.min(4, Runtime.getRuntime().availableProcessors()), 1, 64),
        bounded(o, "--drain", scenario.equals("write") || scenario.equals("sessions") ? 10
            : scenario.equals("cold-start") ? 2 : 5, 0, 60),
        o.get("--pg-url"),
        o.containsKey("--json"),
        bounded(o, "--bridge-port", 0, 1, 65_535),
        scenario.equals("cold-start") || scenario.equals("sessions") ? coldStart(scenario, o) : null,
        o.containsKey("--feed"),
        chunksAs(o.getOrDefault("--as", "outputs")));
    Targets.check(options);
    return options;
  }

  /** {@code bench tokens}: chunks as token streams (outputs) or as plain events. */
  private static String chunksAs(String value) {
    if (!value.equals("outputs") && !value.equals("events")) {
      throw new UsageException("--as must be outputs or events");
    }
    return value;
  }

  private static ColdStart coldStart(String scenario, Map<String, String> o) {
    String redisUrl = o.get("--redis-url");
    if (redisUrl != null && !redisUrl.startsWith("redis://") && !redisUrl.startsWith("rediss://")) {
      throw new UsageException("--redis-url must be a URL like redis://127.0.0.1:6379, got '" + redisUrl + "'");
    }
    String opts = o.getOrDefault("--java-opts", "").trim();
    boolean sessions = scenario.equals("sessions");
    return new ColdStart(bounded(o, "--sessions", sessions ? 2000 : 500, 1, 10_000),
        sessions ? bounded(o, "--rate", 10, 1, 1000) : bounded(o, "--edits", 5, 1, 1000), redisUrl,
        o.get("--jar"), opts.isEmpty() ? List.of() : List.of(opts.split("\\s+")),
        bounded(o, "--from-second", 5, 0, 600), o.get("--server-log"), instanceEnv(o.get("--instance-env")),
        share(o, "--event-mix", sessions ? 0.2 : 0), sessions && o.containsKey("--url"));
  }

  /** A fraction from 0 to 1 ({@code --event-mix 0.2}). */
  private static double share(Map<String, String> options, String name, double fallback) {
    String raw = options.get(name);
    if (raw == null) {
      return fallback;
    }
    try {
      double value = Double.parseDouble(raw.trim());
      if (value >= 0 && value <= 1) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new UsageException(name + " must be a fraction from 0 to 1, got '" + raw + "'");
  }

  /** {@code FLOWCAST_A=1,FLOWCAST_B=2}: settings of the instance's own (only FLOWCAST_* variables). */
  private static Map<String, String> instanceEnv(String raw) {
    Map<String, String> env = new java.util.LinkedHashMap<>();
    if (raw != null && !raw.isBlank()) {
      for (String pair : raw.split(",")) {
        int eq = pair.indexOf('=');
        String name = eq < 0 ? pair.trim() : pair.substring(0, eq).trim();
        if (eq < 0 || !name.startsWith("FLOWCAST_")) {
          throw new UsageException("--instance-env takes FLOWCAST_NAME=value pairs separated by commas, got '"
              + pair + "'");
        }
        env.put(name, pair.substring(eq + 1));
      }
    }
    return Map.copyOf(env);
  }

  private static List<Long> pids(String raw) {
    List<Long> pids = new ArrayList<>();
    if (raw != null) {
      for (String pid : raw.split(",")) {
        pids.add((long) bounded(Map.of("--server-pid", pid), "--server-pid", 0, 1, Integer.MAX_VALUE));
      }
    }
    return List.copyOf(pids);
  }

  private static int bounded(Map<String, String> options, String name, int fallback, int min, int max) {
    String raw = options.get(name);
    if (raw == null) {
      return fallback;
    }
    long value;
    try {
      value = Long.parseLong(raw.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(name + " must be a whole number, got '" + raw + "'");
    }
    if (value < min || value > max) {
      throw new UsageException(name + " must be from " + min + " to " + max + ", got " + value);
    }
    return (int) value;
  }

  /** The options as the JSON report echoes them (the token is never printed). */
  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("scenario", scenario).put("duration_s", durationSeconds)
        .put("threads", threads).put("generic", generic())
        .put("server_pids", new JsonArray(new ArrayList<>(serverPids)));
    switch (scenario) {
      case "write" -> json.put("url", url).put("connections", connections).put("workflows", workflows)
          .put("warmup_s", warmupSeconds).put("mix", mix.toString()).put("payload_bytes", payloadBytes)
          .put("pg_check", pgUrl != null).put("drain_s", drainSeconds);
      case "fanout" -> json.put("subscribe", generic() ? sseUrlTemplate : subscribeUrl)
          .put("publish", generic() ? publishUrlTemplate : publishUrl).put("subscribers", subscribers)
          .put("workflows", workflows).put("rate", rate).put("publishers", publishers)
          .put("warmup_s", warmupSeconds).put("drain_s", drainSeconds).put("payload_bytes", payloadBytes)
          .put("subscribe_via", bridgePort > 0 ? "bridge:" + bridgePort : feed ? "tenant feed" : "sse");
      case "cold-start" -> json.put("sessions", coldStart.sessions()).put("edits_per_session_per_s", coldStart.edits())
          .put("redis", coldStart.redisUrl() != null).put("postgresql", pgUrl != null)
          .put("jar", coldStart.jar() == null ? "(this one)" : coldStart.jar())
          .put("java_opts", String.join(" ", coldStart.javaOpts())).put("from_second", coldStart.fromSecond())
          .put("instance_env", new JsonObject(new java.util.TreeMap<String, Object>(coldStart.instanceEnv())))
          .put("drain_s", drainSeconds).put("payload_bytes", payloadBytes);
      case "sessions" -> json.put("url", coldStart.external() ? url : "(an instance of its own)")
          .put("sessions", coldStart.sessions()).put("rate_per_session", coldStart.edits())
          .put("event_mix", coldStart.eventShare()).put("warmup_s", warmupSeconds).put("drain_s", drainSeconds)
          .put("redis", coldStart.redisUrl() != null).put("postgresql", pgUrl != null)
          .put("jar", coldStart.jar() == null ? "(this one)" : coldStart.jar())
          .put("java_opts", String.join(" ", coldStart.javaOpts()))
          .put("instance_env", new JsonObject(new java.util.TreeMap<String, Object>(coldStart.instanceEnv())))
          .put("payload_bytes", payloadBytes);
      case "tokens" -> json.put("subscribe", subscribeUrl).put("publish", publishUrl).put("subscribers", subscribers)
          .put("publishers", publishers).put("as", chunksAs).put("rate", rate).put("warmup_s", warmupSeconds)
          .put("payload_bytes", payloadBytes);
      default -> json.put("subscribe", generic() ? sseUrlTemplate : subscribeUrl).put("streams", streams)
          .put("workflows", workflows);
    }
    return json;
  }

  /** The share of PATCH and publish-event operations in the write scenario, as weights. */
  public record Mix(int patch, int event) {
    static Mix parse(String raw) {
      if (raw.equals("patch") || raw.equals("event")) {
        return raw.equals("patch") ? new Mix(1, 0) : new Mix(0, 1);
      }
      int patch = 0;
      int event = 0;
      for (String part : raw.split(",")) {
        String[] kv = part.trim().split("[=:]");
        int weight;
        try {
          weight = kv.length == 2 ? Integer.parseInt(kv[1].trim()) : -1;
        } catch (NumberFormatException e) {
          weight = -1;
        }
        if (weight < 0 || weight > 1000 || !(kv[0].equals("patch") || kv[0].equals("event"))) {
          throw new UsageException("--mix must be patch, event or weights like patch=70,event=30; got '" + raw + "'");
        }
        if (kv[0].equals("patch")) {
          patch = weight;
        } else {
          event = weight;
        }
      }
      if (patch + event == 0) {
        throw new UsageException("--mix weights must not all be 0");
      }
      return new Mix(patch, event);
    }

    @Override
    public String toString() {
      return "patch=" + patch + ",event=" + event;
    }
  }
}
