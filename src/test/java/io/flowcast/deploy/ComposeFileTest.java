package io.flowcast.deploy;

import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.flowcast.testsupport.NginxProcess;
import io.flowcast.testsupport.StartedServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code deploy/compose.yaml}, which no machine here can start (no Docker engine): every {@code FLOWCAST_*}
 * it names is a config key and each instance's environment passes the config's validation as a production
 * config; no development secret or account is in it; nginx runs the {@code flowcast.conf} NginxLoadBalancerTest
 * runs, with an upstream list of exactly the compose's instances, and the instances trust exactly nginx's address;
 * Redis keeps an append-only file; every service has a health check. ({@code docker compose config} cannot
 * run here: Debian 12 packages no compose plugin for Docker's CLI; docs/DEPLOY.md runs it by hand.)
 *
 * <p>The file is read with SnakeYAML (Jackson's YAML module's parser), which expands YAML anchors and merge
 * keys ({@code <<: *flowcast}) as Compose does; Jackson's own tree model leaves them unexpanded.
 */
class ComposeFileTest {
  static final Path COMPOSE = Path.of("deploy/compose.yaml");
  private static final Path DEPLOY_DIR = COMPOSE.getParent();
  private static final Path UPSTREAMS = Path.of("deploy/nginx/flowcast-upstreams.conf");
  private static final Pattern FLOWCAST_NAME = Pattern.compile("FLOWCAST_[A-Z0-9_]+");
  /** {@code ${NAME}}, {@code ${NAME:?message}}, {@code ${NAME:-default}} and the like. */
  private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)([^}]*)}");
  private static final Pattern UPSTREAM_SERVER = Pattern.compile("(?m)^\\s*server\\s+(\\S+?)(?:\\s[^;]*)?;");

  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  private final String text = read(COMPOSE);
  private final Map<String, Object> compose = parse(text);
  private final Map<String, Object> services = map(compose.get("services"));

  @Test
  void everyFlowcastVariableItNamesIsAConfigKey() {
    Set<String> envNames = ConfigLoader.defaults().fieldNames().stream().map(ConfigLoader::envName)
        .collect(Collectors.toSet());
    Set<String> named = new TreeSet<>();
    Matcher m = FLOWCAST_NAME.matcher(text);
    while (m.find()) {
      named.add(m.group());
    }
    assertThat(named).contains("FLOWCAST_REDIS_URL", "FLOWCAST_PG_URL", "FLOWCAST_JWT_SECRET");
    assertThat(named).as("FLOWCAST_* names in %s that are no config key", COMPOSE)
        .allSatisfy(name -> assertThat(envNames).contains(name));
    for (String name : instances()) {
      assertThat(environment(name).keySet()).as(name).allSatisfy(key -> assertThat(envNames).contains(key));
    }
  }

  @Test
  void noDevelopmentSecretOrAccountIsInIt() {
    JsonObject defaults = ConfigLoader.defaults();
    assertThat(text).doesNotContain(defaults.getString("jwt.secret"));
    List<String> devNames = new ArrayList<>();
    for (String key : List.of("auth.accounts", "auth.clients")) {
      for (Object entry : defaults.getJsonArray(key)) {
        JsonObject account = (JsonObject) entry;
        devNames.add(account.getString(account.containsKey("username") ? "username" : "client_id"));
        assertThat(text).doesNotContain(account.getString(account.containsKey("password_bcrypt")
            ? "password_bcrypt" : "secret_bcrypt"));
      }
    }
    assertThat(devNames).contains("alice", "worker");
    for (String devName : devNames) {
      assertThat(Pattern.compile("\\b" + Pattern.quote(devName) + "\\b", Pattern.CASE_INSENSITIVE).matcher(text).find())
          .as("development account '%s' named in %s", devName, COMPOSE).isFalse();
    }
    assertThat(text).doesNotContain("dev-password", "dev-secret");
    for (String name : instances()) {
      Map<String, String> env = environment(name);
      assertThat(env).containsEntry("FLOWCAST_AUTH_ACCOUNTS", "[]").containsEntry("FLOWCAST_AUTH_CLIENTS", "[]");
      // from the user's environment, required (":?"), with no default that could end up in production
      assertThat(env.get("FLOWCAST_JWT_SECRET")).matches("\\$\\{FLOWCAST_JWT_SECRET:\\?[^}]+}");
    }
  }

  @Test
  void eachInstanceEnvironmentIsAValidProductionConfig() {
    for (String name : instances()) {
      Map<String, String> env = interpolated(environment(name));
      FlowcastConfig config = FlowcastConfig.from(ConfigLoader.load(null, env));
      assertThat(config.httpHost()).isEqualTo("0.0.0.0");
      assertThat(config.redis().configured()).as("%s on Redis", name).isTrue();
      assertThat(config.redisFallback()).as("%s never runs alone in memory", name).isEqualTo("none");
      assertThat(config.persistence()).as("%s records in PostgreSQL", name).isTrue();
      assertThat(config.instanceId()).isEqualTo(name);
      assertThat(config.registry().address()).isEqualTo(name + ":" + config.httpPort());
      assertThat(config.accounts()).isEqualTo(new JsonArray());
      assertThat(config.clients()).isEqualTo(new JsonArray());
    }
  }

  @Test
  void nginxRunsTheConfigTheTestsRun() throws IOException {
    Map<String, Object> nginx = map(services.get("nginx"));
    Map<Path, String> mounts = new LinkedHashMap<>();
    for (Object volume : list(nginx.get("volumes"))) {
      String[] parts = ((String) volume).split(":");
      assertThat(parts).as("read-only mount %s", volume).hasSize(3);
      assertThat(parts[2]).as("read-only mount %s", volume).isEqualTo("ro");
      mounts.put(DEPLOY_DIR.resolve(parts[0]).normalize(), parts[1]);
    }
    assertThat(mounts).containsExactlyInAnyOrderEntriesOf(Map.of(
        NginxProcess.CONFIG.normalize(), "/etc/nginx/conf.d/flowcast.conf",
        UPSTREAMS, "/etc/nginx/flowcast-upstreams.conf",
        DEPLOY_DIR.resolve("nginx/nginx.conf").normalize(), "/etc/nginx/nginx.conf"));
    assertThat(read(DEPLOY_DIR.resolve("nginx/nginx.conf")))
        .as("the main config serves the Flowcast site as mounted").contains("include /etc/nginx/conf.d/flowcast.conf;");
    // nginx resolves a relative include against its prefix, /etc/nginx
    String site = read(NginxProcess.CONFIG);
    assertThat(site).contains("include flowcast-upstreams.conf;").contains("listen 8080;");
    assertThat(list(nginx.get("ports"))).containsExactly("8080:8080");
  }

  @Test
  void theUpstreamsAreExactlyTheInstancesOnTheirPort() {
    Set<String> upstreams = new HashSet<>();
    Matcher m = UPSTREAM_SERVER.matcher(read(UPSTREAMS));
    while (m.find()) {
      upstreams.add(m.group(1));
    }
    Set<String> expected = instances().stream().map(name -> name + ":" + port(name)).collect(Collectors.toSet());
    assertThat(expected).hasSize(3);
    assertThat(upstreams).isEqualTo(expected);
  }

  @Test
  void instancesTrustExactlyNginxsFixedAddressAndAreReachableOnlyThroughIt() {
    String nginxAddress = fixedAddress("nginx");
    assertThat(nginxAddress).matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
    Set<String> fixed = new HashSet<>(Set.of(nginxAddress));
    for (String name : instances()) {
      assertThat(environment(name)).containsEntry("FLOWCAST_HTTP_TRUSTED_PROXIES", nginxAddress);
      assertThat(map(services.get(name))).as("%s publishes no port", name).doesNotContainKey("ports");
      assertThat(fixed.add(fixedAddress(name))).as("%s has an address of its own", name).isTrue();
    }
    List<Object> ipam = list(map(map(map(compose.get("networks")).get("flowcast")).get("ipam")).get("config"));
    Map<String, Object> pool = map(ipam.get(0));
    for (String address : fixed) {
      assertThat(inBlock(address, (String) pool.get("subnet"))).as("%s in the subnet", address).isTrue();
      assertThat(inBlock(address, (String) pool.get("ip_range")))
          .as("%s outside the range handed to containers without a fixed address", address).isFalse();
    }
  }

  @Test
  void redisKeepsAnAppendOnlyFileAndAnnouncesExpiry() {
    Map<String, Object> redis = map(services.get("redis"));
    List<String> command = list(redis.get("command")).stream().map(String::valueOf).toList();
    assertThat(String.join(" ", command)).contains("--appendonly yes").contains("--appendfsync everysec");
    String events = command.get(command.indexOf("--notify-keyspace-events") + 1);
    assertThat(events).contains("E").contains("x");
    assertThat(list(redis.get("volumes"))).anySatisfy(v -> assertThat((String) v).endsWith(":/data"));
    assertThat(list(map(services.get("postgres")).get("volumes")))
        .anySatisfy(v -> assertThat((String) v).endsWith(":/var/lib/postgresql/data"));
  }

  @Test
  void everyServiceHasAHealthCheckAndWaitsForHealthyDependencies() {
    for (Map.Entry<String, Object> service : services.entrySet()) {
      Map<String, Object> definition = map(service.getValue());
      assertThat(definition).as(service.getKey()).containsKey("healthcheck");
      assertThat(list(map(definition.get("healthcheck")).get("test"))).as(service.getKey()).isNotEmpty();
      Object dependsOn = definition.get("depends_on");
      if (dependsOn != null) {
        map(dependsOn).forEach((dependency, condition) -> assertThat(map(condition))
            .as("%s waits for %s", service.getKey(), dependency).containsEntry("condition", "service_healthy"));
      }
    }
    assertThat(map(map(services.get("nginx")).get("depends_on")).keySet()).containsExactlyInAnyOrderElementsOf(instances());
    for (String name : instances()) {
      assertThat(map(map(services.get(name)).get("depends_on")).keySet()).containsExactlyInAnyOrder("redis", "postgres");
      assertThat(healthCheck(name)).last().isEqualTo("http://127.0.0.1:" + port(name) + "/ready");
    }
  }

  @Test
  void theInstancesHealthCheckPassesAgainstAServer() throws Exception {
    List<String> check = new ArrayList<>(healthCheck(instances().get(0)));
    assertThat(check.get(0)).isEqualTo("CMD");
    assertThat(onPath("curl")).as("curl on the PATH (scripts/test.sh installs it): the health check is a curl command").isTrue();
    String url = check.remove(check.size() - 1).replace(":8080/", ":" + server.get().port() + "/");
    check.remove(0);
    check.add(url);
    assertThat(run(check, Map.of()).exitCode()).isZero();
  }

  /** The Flowcast instances: the services built from the Dockerfile. */
  private List<String> instances() {
    return services.entrySet().stream().filter(e -> map(e.getValue()).containsKey("build")).map(Map.Entry::getKey)
        .sorted().toList();
  }

  private Map<String, String> environment(String service) {
    Map<String, String> env = new LinkedHashMap<>();
    map(map(services.get(service)).get("environment")).forEach((k, v) -> env.put(k, String.valueOf(v)));
    return env;
  }

  private List<String> healthCheck(String service) {
    return list(map(map(services.get(service)).get("healthcheck")).get("test")).stream().map(String::valueOf).toList();
  }

  private int port(String service) {
    String port = environment(service).get(ConfigLoader.envName("http.port"));
    return port != null ? Integer.parseInt(port) : ConfigLoader.defaults().getInteger("http.port");
  }

  private String fixedAddress(String service) {
    return (String) map(map(map(services.get(service)).get("networks")).get("flowcast")).get("ipv4_address");
  }

  /** What Compose makes of {@code ${NAME:?...}}: the user's values, here samples of the required kind. */
  private static Map<String, String> interpolated(Map<String, String> env) {
    Map<String, String> samples = Map.of("FLOWCAST_JWT_SECRET", "a-48-byte-secret-made-by-openssl-rand-base64-48!",
        "POSTGRES_PASSWORD", "0123456789abcdef");
    Map<String, String> out = new HashMap<>();
    env.forEach((key, value) -> {
      Matcher m = INTERPOLATION.matcher(value);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        assertThat(samples).as("a sample value for ${%s}", m.group(1)).containsKey(m.group(1));
        m.appendReplacement(sb, Matcher.quoteReplacement(samples.get(m.group(1))));
      }
      m.appendTail(sb);
      out.put(key, sb.toString());
    });
    return out;
  }

  private static boolean inBlock(String address, String cidr) {
    String[] parts = cidr.split("/");
    int bits = Integer.parseInt(parts[1]);
    long mask = bits == 0 ? 0 : 0xffffffffL << (32 - bits) & 0xffffffffL;
    return (ipv4(address) & mask) == (ipv4(parts[0]) & mask);
  }

  private static long ipv4(String address) {
    long value = 0;
    for (String octet : address.split("\\.")) {
      value = value << 8 | Integer.parseInt(octet);
    }
    return value;
  }

  record Result(int exitCode, String output) {
  }

  static Result run(List<String> command, Map<String, String> env) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().remove("FLOWCAST_JWT_SECRET");
    builder.environment().remove("POSTGRES_PASSWORD");
    builder.environment().putAll(env);
    Process process = builder.start();
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError(command + " did not finish: " + output);
    }
    return new Result(process.exitValue(), output);
  }

  static boolean onPath(String binary) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, binary))) {
        return true;
      }
    }
    return false;
  }

  static String read(Path path) {
    try {
      return Files.readString(path);
    } catch (IOException e) {
      throw new AssertionError("cannot read " + path, e);
    }
  }

  private static Map<String, Object> parse(String yaml) {
    return new Yaml(new SafeConstructor(new LoaderOptions())).load(yaml);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(Object value) {
    assertThat(value).isInstanceOf(Map.class);
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(Object value) {
    assertThat(value).isInstanceOf(List.class);
    return (List<Object>) value;
  }
}
