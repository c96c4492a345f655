package io.flowcast.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The figures of {@code bench cold-start} per second after the instance answered {@code /ready} (second
 * 0 is the first second of load): edits sent, acknowledged and failed, acknowledgement latency of the
 * edits sent in that second, deliveries and their latency (by the second their edit was sent), and the
 * instance's CPU. Counts from the time an edit was actually sent (what the first figures of the issue
 * were measured with). Safe from any event loop.
 */
final class SecondStats implements EditTally {
  private final long zero;
  private final int seconds;
  private final ConcurrentHistogram[] ack;
  private final ConcurrentHistogram[] delivery;
  private final AtomicLongArray sent;
  private final AtomicLongArray acked;
  private final AtomicLongArray failed;
  private final AtomicLongArray delivered;
  private final AtomicLongArray sessionsReady;
  private final double[] serverCpuPct;
  private final double[] clientCpuPct;
  private final double[] machineCpuPct;

  /** @param zero the {@code System.nanoTime()} of the first 200 from {@code /ready} */
  SecondStats(long zero, int seconds) {
    this.zero = zero;
    this.seconds = seconds;
    ack = new ConcurrentHistogram[seconds];
    delivery = new ConcurrentHistogram[seconds];
    for (int i = 0; i < seconds; i++) {
      ack[i] = new ConcurrentHistogram(3);
      delivery[i] = new ConcurrentHistogram(3);
    }
    sent = new AtomicLongArray(seconds);
    acked = new AtomicLongArray(seconds);
    failed = new AtomicLongArray(seconds);
    delivered = new AtomicLongArray(seconds);
    sessionsReady = new AtomicLongArray(seconds);
    serverCpuPct = new double[seconds];
    clientCpuPct = new double[seconds];
    machineCpuPct = new double[seconds];
  }

  int second(long nanos) {
    long s = (nanos - zero) / 1_000_000_000L;
    return nanos < zero || s >= seconds ? -1 : (int) s;
  }

  @Override
  public void sent(long intended, long sentNanos) {
    count(sent, sentNanos);
  }

  @Override
  public void acknowledged(long intended, long sentNanos, long ackNanos, boolean event) {
    int s = second(sentNanos);
    if (s >= 0) {
      acked.incrementAndGet(s);
      ack[s].recordValue(Window.micros(ackNanos - sentNanos));
    }
  }

  @Override
  public void failed(long intended, long sentNanos) {
    count(failed, sentNanos);
  }

  @Override
  public void delivered(long intended, long sentNanos, long receivedNanos) {
    int s = second(sentNanos);
    if (s >= 0) {
      delivered.incrementAndGet(s);
      delivery[s].recordValue(Window.micros(receivedNanos - sentNanos));
    }
  }

  @Override
  public void sessionReady(long nanos) {
    count(sessionsReady, nanos);
  }

  /** The CPU in second {@code s}, in % of one core: the instance's, the bench's, the machine's. */
  synchronized void cpu(int s, double server, double client, double machine) {
    if (s >= 0 && s < seconds) {
      serverCpuPct[s] = server;
      clientCpuPct[s] = client;
      machineCpuPct[s] = machine;
    }
  }

  private void count(AtomicLongArray counts, long nanos) {
    int s = second(nanos);
    if (s >= 0) {
      counts.incrementAndGet(s);
    }
  }

  /** Acknowledgement latency of the edits sent in seconds {@code from} to {@code to} (exclusive). */
  Histogram ackBetween(int from, int to) {
    return merged(ack, from, to);
  }

  Histogram deliveryBetween(int from, int to) {
    return merged(delivery, from, to);
  }

  private static Histogram merged(Histogram[] perSecond, int from, int to) {
    Histogram all = new Histogram(3);
    for (int i = Math.max(0, from); i < Math.min(to, perSecond.length); i++) {
      all.add(perSecond[i]);
    }
    return all;
  }

  long totalAcked() {
    long sum = 0;
    for (int i = 0; i < seconds; i++) {
      sum += acked.get(i);
    }
    return sum;
  }

  /** One row per second of load, {@code upTo} seconds. */
  synchronized JsonArray rows(int upTo) {
    JsonArray rows = new JsonArray();
    for (int i = 0; i < Math.min(upTo, seconds); i++) {
      rows.add(new JsonObject().put("s", i).put("sessions_ready", sessionsReady.get(i)).put("sent", sent.get(i))
          .put("acked", acked.get(i)).put("failed", failed.get(i))
          .put("ack", figures(ack[i])).put("delivered", delivered.get(i)).put("delivery", figures(delivery[i]))
          .put("server_cpu_pct", Math.round(serverCpuPct[i])).put("bench_cpu_pct", Math.round(clientCpuPct[i]))
          .put("machine_cpu_pct", Math.round(machineCpuPct[i])));
    }
    return rows;
  }

  static JsonObject figures(Histogram micros) {
    JsonObject json = new JsonObject().put("count", micros.getTotalCount());
    if (micros.getTotalCount() > 0) {
      json.put("p50_ms", micros.getValueAtPercentile(50) / 1000.0).put("p99_ms", micros.getValueAtPercentile(99) / 1000.0)
          .put("max_ms", micros.getMaxValue() / 1000.0);
    }
    return json;
  }
}
