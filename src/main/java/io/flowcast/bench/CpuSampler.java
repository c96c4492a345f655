package io.flowcast.bench;

import io.vertx.core.json.JsonObject;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where the CPU went during a measured window (Linux {@code /proc}): the whole machine, this bench
 * process, the servers named with {@code --server-pid}, and everything else. The bench shares the
 * machine with the server, so a figure means little without this. Percentages are of one core over the
 * window's wall-clock time (200 % = both cores of a 2-core machine); {@code /proc} counts in USER_HZ
 * ticks of 1/100 s. {@code proc_stat_coverage_pct} below 100 means the machine's own tick counts fell
 * behind the clock (a VM whose host took the CPU away): the split is then less trustworthy.
 */
final class CpuSampler {
  private static final double USER_HZ = 100;
  private final List<Long> serverPids;
  private long[] first;
  private long startedNanos;

  CpuSampler(List<Long> serverPids) {
    this.serverPids = serverPids;
  }

  void start() {
    startedNanos = System.nanoTime();
    first = sample();
  }

  /** The window's figures since {@link #start}, or an empty object where {@code /proc} is unreadable. */
  JsonObject stop() {
    long[] last = sample();
    double perCore = (System.nanoTime() - startedNanos) / 1e9 * USER_HZ;
    JsonObject json = new JsonObject();
    if (first == null || first[0] < 0 || last[0] < 0 || perCore <= 0) {
      return json;
    }
    int cpus = Runtime.getRuntime().availableProcessors();
    double busy = perCore * cpus - (last[1] - first[1]);
    double client = last[2] - first[2];
    json.put("cores", cpus).put("machine_busy_pct", pct(busy, perCore)).put("bench_client_pct", pct(client, perCore))
        .put("proc_stat_coverage_pct", pct((last[0] - first[0]) / (double) cpus, perCore));
    double servers = 0;
    boolean serversKnown = !serverPids.isEmpty();
    JsonObject each = new JsonObject();
    for (int i = 0; i < serverPids.size(); i++) {
      serversKnown &= last[3 + i] >= 0 && first[3 + i] >= 0;
      servers += last[3 + i] - first[3 + i];
      each.put(String.valueOf(serverPids.get(i)), pct(last[3 + i] - first[3 + i], perCore));
    }
    if (serversKnown) {
      json.put("servers_pct", pct(servers, perCore)).put("per_server_pct", each)
          .put("other_processes_pct", pct(busy - client - servers, perCore));
    }
    return json;
  }

  private static double pct(double ticks, double perCore) {
    return Math.round(ticks / perCore * 1000) / 10.0;
  }

  /** [machine total, machine idle, this process, each server] in clock ticks; -1 where unknown. */
  private long[] sample() {
    long[] ticks = new long[3 + serverPids.size()];
    long[] machine = machine();
    ticks[0] = machine[0];
    ticks[1] = machine[1];
    ticks[2] = process(ProcessHandle.current().pid());
    for (int i = 0; i < serverPids.size(); i++) {
      ticks[3 + i] = process(serverPids.get(i));
    }
    return ticks;
  }

  /** The machine's total and idle (with I/O wait) ticks, from the first line of {@code /proc/stat}. */
  static long[] machine() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long total = 0;
      for (int i = 1; i < Math.min(f.length, 9); i++) {
        total += Long.parseLong(f[i]);
      }
      return new long[] {total, Long.parseLong(f[4]) + Long.parseLong(f[5])};
    } catch (IOException | RuntimeException e) {
      return new long[] {-1, -1};
    }
  }

  /** utime + stime of a process, in clock ticks (1/100 s); -1 when unknown. */
  static long process(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc", String.valueOf(pid), "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }
}
