package io.flowcast.bench;

import io.flowcast.config.ConfigException;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;

import java.io.PrintStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code flowcast bench <write|fanout|idle|cold-start|tokens|sessions> [options]}: Flowcast's load
 * generator, shipped in the jar as redis-benchmark ships with Redis. Parses the options, runs the scenario from one process with
 * non-blocking clients, prints the report. Exit status: 0 passed, 1 failed (a failed check, nothing
 * acknowledged, the target refused), 2 wrong usage.
 */
public final class BenchCommand {
  private BenchCommand() {
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    if (args.length > 1 && (args[1].equals("--help") || args[1].equals("-h"))) {
      out.println(BenchUsage.TEXT);
      return 0;
    }
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      err.println("bench: " + e.getMessage() + " (see: flowcast bench --help)");
      return 2;
    }
    BenchLogging.toStderr();
    Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(BenchContext.eventLoops(options)));
    try {
      BenchContext ctx = BenchContext.create(vertx, options);
      long limitSeconds = options.warmupSeconds() + options.durationSeconds() + options.drainSeconds() + 300;
      try {
        Report report = Scenario.named(options.scenario()).run(ctx).await(limitSeconds, TimeUnit.SECONDS);
        out.println(options.json() ? report.json().encodePrettily() : report.text());
        return report.passed() ? 0 : 1;
      } finally {
        ctx.close().await();
      }
    } catch (BenchException | ConfigException e) {
      err.println("bench: " + e.getMessage());
      return 1;
    } catch (TimeoutException e) {
      err.println("bench: the run did not finish in time");
      return 1;
    } finally {
      vertx.close().await();
    }
  }
}
