package io.flowcast.config;

import io.vertx.core.json.JsonObject;

import java.util.UUID;

/**
 * The typed, validated configuration. Built once at start from the flat keys of
 * {@code conf/config.json}; every bad value fails the start with a message naming the key.
 */
public record FlowcastConfig(
    String httpHost,
    int httpPort,
    int httpInstances,
    long bodyLimitBytes,
    long shutdownTimeoutMs,
    long drainMs,
    long idleTimeoutMs,
    long idempotencyTtlMs,
    TrustedProxies trustedProxies,
    long busTimeoutMs,
    String instanceId,
    Registry registry,
    RedisTarget redis,
    String redisFallback,
    int redisPoolSize,
    long redisTimeoutMs,
    int redisStreamGraceSeconds,
    int redisIndexTtlSeconds,
    String redisKeyPrefix,
    int redisShards,
    int redisWaitReplicas,
    String pgUrl,
    int pgPoolSize,
    long pgTimeoutMs,
    String persistenceMode,
    boolean persistenceReadyWhilePgDown,
    long flushIntervalMs,
    int flushBatchSize,
    int flushThreshold,
    int flushBacklogMax,
    long flushBacklogMaxBytes,
    long flushClaimIdleMs,
    long flushDrainTimeoutMs,
    String jwtSecret,
    String jwtIssuer,
    String jwtAudience,
    int jwtLeewaySeconds,
    int devTokenTtlSeconds,
    JsonObject jwtPublicKeys,
    String jwksUrl,
    int jwksCacheSeconds,
    int accessTtlSeconds,
    int refreshTtlSeconds,
    int exchangeTtlSeconds,
    io.vertx.core.json.JsonArray accounts,
    io.vertx.core.json.JsonArray clients,
    RateLimits rateLimits,
    long heartbeatMs,
    long retryMs,
    int maxBacklogBytes,
    int replayBatch,
    boolean queryTokenEnabled,
    int maxStreamWorkflows,
    long stallTimeoutMs,
    int defaultTtlSeconds,
    int maxTtlSeconds,
    long expirySweepMs,
    int eventsRetentionMax,
    int listDefaultLimit,
    int listMaxLimit,
    int eventsMaxLimit,
    Features features,
    Bridge bridge,
    int startupWarmup,
    long startupWarmupMaxMs,
    Presence presence, Outputs outputs) {

  /**
   * Presence (docs/API.md, "Presence"): how long a watcher's lease runs without a renewal (a stream renews
   * its own every third of it), and how often each instance looks for leases that ran out.
   */
  public record Presence(long leaseMs, long sweepMs) {
    static Presence from(JsonObject c) {
      long lease = range(c, "presence.lease_ms", 1000, 3_600_000);
      long sweep = range(c, "presence.sweep_ms", 50, 600_000);
      return new Presence(lease, sweep);
    }
  }

  /**
   * Token streams (docs/API.md, "Outputs"): the roll-up window of the durable log, the longest text an
   * output may hold (in UTF-16 code units, a browser's string length), and the appends a subject may make
   * (a quota of their own: a model streaming tokens appends far more often than anyone writes).
   */
  public record Outputs(long rollupMs, int maxChars, int appendsPerMinute, int appendsBurst) {
  }

  /** Bounds of drafts, snapshots and actions. */
  public record Features(int draftMaxRevisions, int snapshotsMax, int actionLeaseDefaultSeconds,
      int actionLeaseMaxSeconds) {
  }

  /** Rate limits (GCRA: a sustained rate per minute and a burst) per subject, and per client address on the token endpoint. */
  public record RateLimits(boolean enabled, String failMode, int readPerMinute, int readBurst, int writePerMinute,
      int writeBurst, int streamPerMinute, int streamBurst, int tokenPerMinute, int tokenBurst,
      int maxStreamsPerSubject) {
  }

  /**
   * The instance registry: how often this instance renews its record, how long the record outlives its last
   * renewal, and the address it advertises ({@code instance.address}, default {@code http.host:http.port}).
   */
  public record Registry(long heartbeatMs, long ttlMs, String address) {
    static Registry from(JsonObject c) {
      long heartbeat = range(c, "registry.heartbeat_ms", 100, 3_600_000);
      long ttl = range(c, "registry.ttl_ms", 200, 86_400_000);
      if (ttl <= heartbeat) {
        throw new ConfigException("registry.ttl_ms", "must exceed registry.heartbeat_ms (" + heartbeat
            + "), or a live instance drops off between two heartbeats");
      }
      String address = string(c, "instance.address", true).trim();
      if (address.length() > 256 || !address.matches("[\\x21-\\x7e]*")) {
        throw new ConfigException("instance.address", "expected at most 256 printable characters without spaces");
      }
      return new Registry(heartbeat, ttl,
          address.isEmpty() ? string(c, "http.host", false) + ":" + range(c, "http.port", 0, 65535) : address);
    }
  }

  /**
   * The event-bus bridge (docs/EVENTBUS.md): the TCP listener ({@code tcpPort} 0: none; {@code tcpHost}
   * defaults to {@code http.host}; TLS when both PEM files are set), the WebSocket endpoint on the HTTP
   * port, the largest frame accepted, and how long a TCP connection may stay silent (0: forever).
   */
  public record Bridge(int tcpPort, String tcpHost, String tlsCertFile, String tlsKeyFile, boolean websocket,
      int maxFrameBytes, long idleTimeoutMs) {
    static Bridge from(JsonObject c) {
      String host = string(c, "bridge.tcp.host", true).trim();
      String cert = string(c, "bridge.tcp.tls.cert_file", true).trim();
      String key = string(c, "bridge.tcp.tls.key_file", true).trim();
      if (cert.isEmpty() != key.isEmpty()) {
        throw new ConfigException(cert.isEmpty() ? "bridge.tcp.tls.cert_file" : "bridge.tcp.tls.key_file",
            "TLS on the bridge needs both bridge.tcp.tls.cert_file and bridge.tcp.tls.key_file (PEM)");
      }
      return new Bridge((int) range(c, "bridge.tcp.port", 0, 65535),
          host.isEmpty() ? string(c, "http.host", false) : host, cert, key, bool(c, "bridge.websocket.enabled"),
          (int) range(c, "bridge.max_frame_bytes", 256, 16 * 1024 * 1024),
          range(c, "bridge.idle_timeout_ms", 0, 3_600_000));
    }

    public boolean tcp() {
      return tcpPort > 0;
    }

    public boolean tls() {
      return !tlsCertFile.isEmpty();
    }
  }

  /** HS256 keys shorter than the hash output weaken the signature (RFC 7518, section 3.2). */
  static final int MIN_SECRET_BYTES = 32;

  public static FlowcastConfig from(JsonObject c) {
    String instance = string(c, "instance.id", true);
    FlowcastConfig config = new FlowcastConfig(
        string(c, "http.host", false),
        (int) range(c, "http.port", 0, 65535),
        (int) range(c, "http.instances", 0, 256),
        range(c, "http.body_limit_bytes", 1024, 1L << 30),
        range(c, "http.shutdown_timeout_ms", 0, 600_000),
        range(c, "http.drain_ms", 0, 600_000),
        range(c, "http.idle_timeout_ms", 0, 3_600_000),
        range(c, "http.idempotency_ttl_ms", 100, 30L * 86_400_000),
        trustedProxies(c),
        range(c, "bus.timeout_ms", 100, 600_000),
        instance.isEmpty() ? "fc-" + UUID.randomUUID().toString().substring(0, 8) : instance,
        Registry.from(c),
        RedisTarget.from(c),
        oneOf(c, "redis.fallback", "memory", "none"),
        (int) range(c, "redis.pool_size", 1, 1024),
        range(c, "redis.timeout_ms", 50, 600_000),
        (int) range(c, "redis.stream_grace_seconds", 1, 86_400),
        (int) range(c, "redis.index_ttl_seconds", 60, Integer.MAX_VALUE),
        keyPrefix(c),
        shards(c),
        (int) range(c, "redis.wait_replicas", 0, 16),
        pgUrl(c),
        (int) range(c, "pg.pool_size", 1, 256),
        range(c, "pg.timeout_ms", 100, 600_000),
        oneOf(c, "persistence.mode", "write-behind", "write-through"),
        bool(c, "persistence.ready_while_pg_down"),
        range(c, "flush.interval_ms", 10, 600_000),
        (int) range(c, "flush.batch_size", 1, 100_000),
        (int) range(c, "flush.threshold", 1, Integer.MAX_VALUE),
        (int) range(c, "flush.backlog_max", 1, Integer.MAX_VALUE),
        range(c, "flush.backlog_max_bytes", 1024, 1L << 40),
        range(c, "flush.claim_idle_ms", 100, 3_600_000),
        range(c, "flush.drain_timeout_ms", 0, 3_600_000),
        string(c, "jwt.secret", false),
        string(c, "jwt.issuer", true),
        string(c, "jwt.audience", true),
        (int) range(c, "jwt.leeway_seconds", 0, 3600),
        (int) range(c, "jwt.dev_token_ttl_seconds", 1, 31_536_000),
        object(c, "jwt.public_keys"),
        string(c, "jwt.jwks_url", true).trim(),
        (int) range(c, "jwt.jwks_cache_seconds", 1, 86_400),
        (int) range(c, "auth.access_ttl_seconds", 10, 86_400),
        (int) range(c, "auth.refresh_ttl_seconds", 60, 31_536_000),
        (int) range(c, "auth.exchange_ttl_seconds", 10, 86_400),
        array(c, "auth.accounts"),
        array(c, "auth.clients"),
        new RateLimits(bool(c, "ratelimit.enabled"), oneOf(c, "ratelimit.fail_mode", "open", "closed"),
            (int) range(c, "ratelimit.read_per_minute", 1, 10_000_000), (int) range(c, "ratelimit.read_burst", 1, 1_000_000),
            (int) range(c, "ratelimit.write_per_minute", 1, 10_000_000), (int) range(c, "ratelimit.write_burst", 1, 1_000_000),
            (int) range(c, "ratelimit.stream_per_minute", 1, 10_000_000), (int) range(c, "ratelimit.stream_burst", 1, 1_000_000),
            (int) range(c, "ratelimit.token_per_minute", 1, 10_000_000), (int) range(c, "ratelimit.token_burst", 1, 1_000_000),
            (int) range(c, "ratelimit.max_streams_per_subject", 1, 1_000_000)),
        range(c, "sse.heartbeat_ms", 100, 3_600_000),
        range(c, "sse.retry_ms", 0, 3_600_000),
        (int) range(c, "sse.max_backlog_bytes", 4096, 1L << 30),
        (int) range(c, "sse.replay_batch", 1, 100_000),
        bool(c, "sse.query_token_enabled"),
        (int) range(c, "sse.max_workflows_per_stream", 1, 64),
        range(c, "sse.stall_timeout_ms", 1000, 3_600_000),
        (int) range(c, "workflow.default_ttl_seconds", 1, Integer.MAX_VALUE),
        (int) range(c, "workflow.max_ttl_seconds", 1, Integer.MAX_VALUE),
        range(c, "workflow.expiry_sweep_ms", 10, 3_600_000),
        (int) range(c, "events.retention_max", 1, Integer.MAX_VALUE),
        (int) range(c, "api.list_default_limit", 1, 10_000),
        (int) range(c, "api.list_max_limit", 1, 10_000),
        (int) range(c, "api.events_max_limit", 1, 100_000),
        new Features((int) range(c, "drafts.max_revisions", 1, 10_000),
            (int) range(c, "snapshots.max_per_workflow", 1, 10_000),
            (int) range(c, "actions.default_lease_seconds", 1, 86_400),
            (int) range(c, "actions.max_lease_seconds", 1, 86_400)),
        Bridge.from(c),
        (int) range(c, "startup.warmup", 0, 100_000),
        range(c, "startup.warmup_max_ms", 1000, 600_000),
        Presence.from(c),
        new Outputs(range(c, "outputs.rollup_ms", 1, 60_000), (int) range(c, "outputs.max_chars", 1, 16_777_216),
            (int) range(c, "ratelimit.output_per_minute", 1, 100_000_000),
            (int) range(c, "ratelimit.output_burst", 1, 10_000_000)));
    if (config.jwtSecret().getBytes(java.nio.charset.StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
      throw new ConfigException("jwt.secret", "must be at least " + MIN_SECRET_BYTES
          + " bytes; Flowcast refuses to start without a usable signing key");
    }
    if (!loopback(config.httpHost())) {
      if (config.jwtSecret().equals(defaults().getString("jwt.secret"))) {
        throw new ConfigException("jwt.secret", "the development secret is public; it is only accepted when "
            + "http.host is a loopback address. Set FLOWCAST_JWT_SECRET");
      }
      if (config.accounts().equals(defaults().getJsonArray("auth.accounts"))
          || config.clients().equals(defaults().getJsonArray("auth.clients"))) {
        throw new ConfigException("auth.accounts", "the development accounts and clients have public passwords; "
            + "they are only accepted when http.host is a loopback address. Set FLOWCAST_AUTH_ACCOUNTS and "
            + "FLOWCAST_AUTH_CLIENTS (e.g. to []) or keep accounts in PostgreSQL");
      }
    }
    if (config.defaultTtlSeconds() > config.maxTtlSeconds()) {
      throw new ConfigException("workflow.default_ttl_seconds", "exceeds workflow.max_ttl_seconds");
    }
    if (config.features().actionLeaseDefaultSeconds() > config.features().actionLeaseMaxSeconds()) {
      throw new ConfigException("actions.default_lease_seconds", "exceeds actions.max_lease_seconds");
    }
    if (config.idleTimeoutMs() > 0 && config.idleTimeoutMs() <= config.heartbeatMs()) {
      throw new ConfigException("http.idle_timeout_ms", "must exceed sse.heartbeat_ms (" + config.heartbeatMs()
          + "): a quiet SSE stream would be closed between two heartbeats; 0 turns the timeout off");
    }
    if (config.listDefaultLimit() > config.listMaxLimit()) {
      throw new ConfigException("api.list_default_limit", "exceeds api.list_max_limit");
    }
    if (!instance.isEmpty() && !instance.matches("[A-Za-z0-9._-]{1,64}")) {
      throw new ConfigException("instance.id", "must match [A-Za-z0-9._-]{1,64}");
    }
    return config;
  }

  static String string(JsonObject c, String key, boolean mayBeEmpty) {
    Object v = c.getValue(key);
    if (!(v instanceof String s)) {
      throw new ConfigException(key, "expected a string");
    }
    if (!mayBeEmpty && s.isBlank()) {
      throw new ConfigException(key, "must not be empty");
    }
    return s;
  }

  private static long range(JsonObject c, String key, long min, long max) {
    Object v = c.getValue(key);
    if (!(v instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
      throw new ConfigException(key, "expected an integer, got " + v);
    }
    long value = n.longValue();
    if (value < min || value > max) {
      throw new ConfigException(key, "must be between " + min + " and " + max + ", got " + value);
    }
    return value;
  }

  private static boolean loopback(String host) {
    return host.equals("localhost") || host.startsWith("127.") || host.equals("::1") || host.equals("[::1]");
  }

  private static JsonObject defaults() {
    return ConfigLoader.defaults();
  }

  /** Printable, no spaces, no braces (they would break the hash tags); a separator such as ':' is the user's. */
  private static String keyPrefix(JsonObject c) {
    String prefix = string(c, "redis.key_prefix", true);
    if (prefix.length() > 64 || !prefix.matches("[\\x21-\\x7a|~]*")) {
      throw new ConfigException("redis.key_prefix", "expected at most 64 printable characters without spaces or "
          + "braces, e.g. 'flowcast:'");
    }
    return prefix;
  }

  /** Workflows are spread over this many write-buffer shards (docs/REDIS.md): a power of two. */
  private static int shards(JsonObject c) {
    int shards = (int) range(c, "redis.shards", 1, 1024);
    if (Integer.bitCount(shards) != 1) {
      throw new ConfigException("redis.shards", "must be a power of two (1, 2, 4, ... 1024), got " + shards);
    }
    return shards;
  }

  private static TrustedProxies trustedProxies(JsonObject c) {
    try {
      return TrustedProxies.parse(string(c, "http.trusted_proxies", true));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("http.trusted_proxies", e.getMessage() + "; expected IP addresses and CIDR blocks "
          + "separated by commas, e.g. '10.0.0.0/8, 127.0.0.1'");
    }
  }

  private static String pgUrl(JsonObject c) {
    String url = string(c, "pg.url", true).trim();
    if (url.isEmpty()) {
      return url;
    }
    try {
      java.net.URI uri = java.net.URI.create(url);
      if (!"postgresql".equals(uri.getScheme()) && !"postgres".equals(uri.getScheme()) || uri.getHost() == null
          || uri.getPath() == null || uri.getPath().length() <= 1) {
        throw new IllegalArgumentException();
      }
    } catch (IllegalArgumentException e) {
      throw new ConfigException("pg.url", "expected postgresql://user[:password]@host:port/database, got a value "
          + "that is not one");
    }
    return url;
  }

  /** True when a PostgreSQL durable record is configured. */
  public boolean persistence() {
    return !pgUrl.isEmpty();
  }

  private static String oneOf(JsonObject c, String key, String... allowed) {
    String value = string(c, key, false);
    if (!java.util.List.of(allowed).contains(value)) {
      throw new ConfigException(key, "must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
    }
    return value;
  }

  private static JsonObject object(JsonObject c, String key) {
    if (!(c.getValue(key) instanceof JsonObject o)) {
      throw new ConfigException(key, "expected a JSON object");
    }
    return o;
  }

  private static io.vertx.core.json.JsonArray array(JsonObject c, String key) {
    if (!(c.getValue(key) instanceof io.vertx.core.json.JsonArray a)) {
      throw new ConfigException(key, "expected a JSON array");
    }
    return a;
  }

  static boolean bool(JsonObject c, String key) {
    if (!(c.getValue(key) instanceof Boolean b)) {
      throw new ConfigException(key, "expected true or false");
    }
    return b;
  }
}
