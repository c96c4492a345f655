package io.flowcast.bench;

import io.vertx.core.Future;

/** One kind of run; completes with its report, or fails with a {@link BenchException} saying why. */
interface Scenario {
  Future<Report> run(BenchContext ctx);

  static Scenario named(String name) {
    return switch (name) {
      case "write" -> new WriteScenario();
      case "fanout" -> new FanoutScenario();
      case "idle" -> new IdleScenario();
      case "cold-start" -> new ColdStartScenario();
      case "tokens" -> new TokensScenario();
      case "sessions" -> new SessionsScenario();
      default -> throw new IllegalArgumentException(name);
    };
  }
}
