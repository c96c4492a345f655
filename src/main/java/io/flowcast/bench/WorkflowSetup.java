package io.flowcast.bench;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;

import java.util.concurrent.atomic.AtomicReference;

/**
 * Creates the run's workflows before the clock starts. The first refusal stops the run with the
 * server's answer (a wrong secret or URL shows up here, not as a wall of errors later).
 */
final class WorkflowSetup {
  private static final int PARALLEL = 32;

  private WorkflowSetup() {
  }

  static Future<Void> create(BenchContext ctx, String baseUrl, int count) {
    String token = ctx.tokens().forSubject("bench-setup");
    Endpoint endpoint = Targets.workflows(baseUrl);
    AtomicReference<String> failure = new AtomicReference<>();
    return Concurrently.run(count, PARALLEL, i -> {
      if (failure.get() != null) {
        return Future.succeededFuture();
      }
      String body = new JsonObject().put("id", ctx.workflowId(i)).put("ttl_seconds", ctx.lifetimeSeconds())
          .put("state", new JsonObject()).encode();
      return ctx.lane(i).call(() -> ctx.lane(i).send(endpoint.request(HttpMethod.POST), token, "application/json",
              body))
          .onSuccess(answer -> {
            if (answer.status() != 201) {
              failure.compareAndSet(null, "creating workflow " + ctx.workflowId(i) + " at " + endpoint + " answered "
                  + answer.status() + ": " + abbreviate(answer.body()));
            }
          })
          .onFailure(err -> failure.compareAndSet(null, "cannot reach " + endpoint + ": " + err.getMessage()));
    }).compose(v -> failure.get() == null ? Future.succeededFuture() : Future.failedFuture(
        new BenchException(failure.get())));
  }

  static String abbreviate(String text) {
    return text.length() > 300 ? text.substring(0, 300) + "..." : text;
  }
}
