package io.flowcast.testsupport;

import io.flowcast.config.RedisTarget;
import io.vertx.redis.client.RedisClientType;

import java.io.File;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A Redis Cluster of the test's own: three masters and three replicas, private redis-server processes on
 * free ports, each in its own directory with an append-only file fsynced on every write, joined with
 * {@code redis-cli --cluster create}. A short node timeout makes failover quick after {@link #killMaster}.
 */
public final class RedisCluster implements AutoCloseable {
  private static final int NODES = 6;
  private static final int NODE_TIMEOUT_MS = 1000;
  private final Path dir;
  private final List<Integer> ports = new ArrayList<>();
  private final List<Process> processes = new ArrayList<>();

  private static RedisCluster shared;

  /** One cluster for the test classes that only read and write (never kill a node): started once, stopped at exit. */
  public static synchronized RedisCluster shared() throws Exception {
    if (shared == null) {
      RedisCluster cluster = start();
      Runtime.getRuntime().addShutdownHook(new Thread(() -> {
        try {
          cluster.close();
        } catch (Exception ignored) {
          // the JVM is going anyway
        }
      }));
      shared = cluster;
    }
    return shared;
  }

  private RedisCluster() throws IOException {
    this.dir = Files.createTempDirectory("flowcast-cluster");
  }

  /** Starts six nodes, creates the cluster (one replica per master) and waits until it serves every slot. */
  public static RedisCluster start() throws Exception {
    RedisCluster cluster = new RedisCluster();
    try {
      for (int i = 0; i < NODES; i++) {
        cluster.startNode(TestServer.freePort());
      }
      List<String> create = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
      cluster.ports.forEach(p -> create.add("127.0.0.1:" + p));
      create.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
      cluster.run(create);
      cluster.awaitHealthy();
      return cluster;
    } catch (Exception | AssertionError e) {
      cluster.close();
      throw e;
    }
  }

  private void startNode(int port) throws IOException, InterruptedException {
    Path node = Files.createDirectories(dir.resolve(String.valueOf(port)));
    Process process = new ProcessBuilder(RedisProcess.binary(), "--bind", "127.0.0.1", "--port", String.valueOf(port),
        "--cluster-enabled", "yes", "--cluster-config-file", node.resolve("nodes-" + port + ".conf").toString(),
        "--cluster-node-timeout", String.valueOf(NODE_TIMEOUT_MS), "--appendonly", "yes", "--appendfsync", "always",
        "--save", "", "--dir", node.toString(), "--notify-keyspace-events", "Ex")
        .redirectErrorStream(true).redirectOutput(node.resolve("redis.log").toFile()).start();
    ports.add(port);
    processes.add(process);
    Eventually.until("cluster node " + port + " accepting connections", Duration.ofSeconds(10), () -> {
      try (Socket ignored = new Socket("127.0.0.1", port)) {
        return true;
      } catch (IOException notYet) {
        return false;
      }
    });
  }

  /** {@code redis://127.0.0.1:<port>} of every node, separated by commas: what {@code redis.url} takes. */
  public String urls() {
    return String.join(",", ports.stream().map(p -> "redis://127.0.0.1:" + p).toList());
  }

  /** The port of every node, masters and replicas. */
  public List<Integer> ports() {
    return List.copyOf(ports);
  }

  /** The target a cluster client is configured with, given two of the nodes. */
  public RedisTarget target() {
    return new RedisTarget(RedisClientType.CLUSTER, List.of("redis://127.0.0.1:" + ports.get(0),
        "redis://127.0.0.1:" + ports.get(1)), "mymaster", new RedisTarget.Tls("", true, "", ""));
  }

  /** Runs {@code redis-cli -p <a live node> args...} and answers its output. */
  public String cli(String... args) throws IOException, InterruptedException {
    for (int i = 0; i < ports.size(); i++) {
      if (processes.get(i).isAlive()) {
        List<String> command = new ArrayList<>(List.of("redis-cli", "-p", String.valueOf(ports.get(i))));
        command.addAll(List.of(args));
        return run(command);
      }
    }
    throw new IllegalStateException("no node is alive");
  }

  /** SIGKILLs the master that owns {@code slot}, waits for its replica to take over, answers the old port. */
  public int killMaster(int slot) throws Exception {
    int port = masterOf(slot);
    Process process = processes.get(ports.indexOf(port));
    process.destroyForcibly();
    process.waitFor(10, TimeUnit.SECONDS);
    Eventually.until("a replica took over slot " + slot, Duration.ofSeconds(30), () -> {
      try {
        return masterOf(slot) != port && cli("CLUSTER", "INFO").contains("cluster_state:ok");
      } catch (Exception notYet) {
        return false;
      }
    });
    return port;
  }

  /** The port of the master serving {@code slot}, as a live node sees it. */
  public int masterOf(int slot) throws IOException, InterruptedException {
    String[] lines = cli("CLUSTER", "SLOTS").split("\n");
    // redis-cli prints each range as: start, end, master host, master port, master id, then replicas
    for (int i = 0; i + 3 < lines.length; i++) {
      if (lines[i].matches("\\d+") && lines[i + 1].matches("\\d+") && lines[i + 2].equals("127.0.0.1")
          && Integer.parseInt(lines[i]) <= slot && slot <= Integer.parseInt(lines[i + 1])) {
        return Integer.parseInt(lines[i + 3]);
      }
    }
    throw new IllegalStateException("no master serves slot " + slot);
  }

  private void awaitHealthy() {
    Eventually.until("the cluster serves every slot on every node", Duration.ofSeconds(30), () -> {
      for (int port : ports) {
        String info = run(List.of("redis-cli", "-p", String.valueOf(port), "CLUSTER", "INFO"));
        if (!info.contains("cluster_state:ok")) {
          return false;
        }
      }
      return true;
    });
    // every replica done with its first full sync: until then a WAIT for one replica (redis.wait_replicas)
    // times out, and a failover would promote a replica that has nothing
    Eventually.until("every replica in sync with its master", Duration.ofSeconds(60), () -> {
      int synced = 0;
      for (int port : ports) {
        String replication = run(List.of("redis-cli", "-p", String.valueOf(port), "INFO", "replication"));
        if (replication.contains("role:slave") && replication.contains("master_link_status:up")
            && !replication.contains("master_sync_in_progress:1")) {
          synced++;
        }
      }
      return synced == ports.size() / 2;
    });
  }

  private String run(List<String> command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes());
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
    }
    return out.trim();
  }

  @Override
  public void close() throws Exception {
    for (Process p : processes) {
      p.destroyForcibly();
      p.waitFor(10, TimeUnit.SECONDS);
    }
    try (var files = Files.walk(dir)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    }
  }
}
