package io.flowcast.http;

import io.flowcast.auth.Caller;
import io.flowcast.bus.ApiException;
import io.flowcast.workflow.IdempotencyClaim;
import io.flowcast.workflow.IdempotencyRecords;
import io.flowcast.workflow.IdempotencyRecords.Answer;
import io.flowcast.workflow.IdempotencyRecords.Found;
import io.flowcast.workflow.IdempotencyRecords.Scope;
import io.flowcast.workflow.Ids;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;

/**
 * {@code Idempotency-Key} on the POST and PATCH routes (docs/API.md, "Idempotency-Key"). Before the endpoint,
 * a request with a key reserves its record, or gets the first request's answer again (422 when the key came
 * with another request, 409 while the first is in flight). Its command carries the claim, so the backend
 * applies the change only while the reservation holds and marks it applied in the same step; a 2xx answer
 * is stored before it is sent ({@link #end}); any other answer frees the key for a retry.
 */
final class Idempotency {
  private static final Logger log = LoggerFactory.getLogger(Idempotency.class);
  /** A replayed answer says so (as Stripe's API does); the draft names no such header. */
  static final String REPLAYED = "Idempotent-Replayed";
  /** The headers of an answer that a replay gives again. */
  private static final List<String> KEPT = List.of("ETag", "Location", "Content-Type");
  private static final String HELD = "flowcast.idempotency.held";
  private static final String ANSWERED = "flowcast.idempotency.answered";

  private final IdempotencyRecords records;
  private final long ttlMs;
  private final long leaseMs;

  /** A request's claim, and the id a create without one gets. */
  private record Held(Idempotency owner, IdempotencyClaim claim, String workflowId) {
  }

  /**
   * @param ttlMs   how long an answer is kept ({@code http.idempotency_ttl_ms})
   * @param leaseMs how long a reservation whose request never finished blocks its key
   */
  Idempotency(IdempotencyRecords records, long ttlMs, long leaseMs) {
    this.records = records;
    this.ttlMs = ttlMs;
    this.leaseMs = leaseMs;
  }

  /** For a route that changes the workflow of its path. */
  Handler<RoutingContext> forWorkflow() {
    return forWorkflow(Caller.WRITE);
  }

  /** The same for a route that needs {@code scope} (answering an interrupt: {@link Caller#ANSWER}). */
  Handler<RoutingContext> forWorkflow(String scope) {
    return ctx -> guarded(ctx, false, scope);
  }

  /** For {@code POST /api/v1/workflows}: the record lies beside the workflow the key names ({@link #workflowId}). */
  Handler<RoutingContext> forCreate() {
    return ctx -> guarded(ctx, true, Caller.WRITE);
  }

  /**
   * For {@code POST .../{id}/fork}: the record lies beside the new workflow (the body's {@code id}), whose
   * create takes it into its step; the source is only read. So the key's scope is the source's path and the
   * new id: the same key with another {@code id} is another record (docs/API.md, "Fork").
   */
  Handler<RoutingContext> forFork() {
    return ctx -> {
      try {
        reserve(ctx, false, Caller.WRITE, forkTarget(ctx));
      } catch (RuntimeException e) {
        ctx.fail(e);
      }
    };
  }

  /** The {@code id} of a fork's body, or null when the body names none (the endpoint refuses it). */
  private static String forkTarget(RoutingContext ctx) {
    try {
      return ctx.body().available() && ctx.body().buffer() != null
          && io.vertx.core.json.Json.decodeValue(ctx.body().buffer()) instanceof JsonObject o
          && o.getValue("id") instanceof String id ? id : null;
    } catch (io.vertx.core.json.DecodeException e) {
      return null;
    }
  }

  private void guarded(RoutingContext ctx, boolean creates, String scope) {
    try {
      reserve(ctx, creates, scope, creates ? null : ctx.pathParam("id"));
    } catch (RuntimeException e) {
      ctx.fail(e);
    }
  }

  /**
   * @param scope      what the route needs of the caller
   * @param workflowId the workflow whose record it is (a create without a key-derived id: null)
   */
  private void reserve(RoutingContext ctx, boolean creates, String scope, String workflowId) {
    HttpServerRequest request = ctx.request();
    String key = IdempotencyKey.parse(request.headers().getAll(IdempotencyKey.HEADER));
    if (key == null) {
      ctx.next();
      return;
    }
    Caller caller = WorkflowApi.caller(ctx, scope);
    String id = creates ? IdempotencyKey.workflowId(caller.tenant(), caller.subject(), key) : workflowId;
    if (id == null || !Ids.valid(id)) {
      ctx.next(); // the endpoint refuses the id
      return;
    }
    String method = request.method().name();
    String path = request.path();
    String fingerprint = IdempotencyKey.fingerprint(method, path, request.getHeader("Content-Type"),
        request.getHeader("If-Match"), ctx.body().available() ? ctx.body().buffer() : null);
    Scope keyScope = new Scope(new WorkflowKey(caller.tenant(), id), caller.subject(), method, path, key);
    records.reserve(keyScope, fingerprint, leaseMs, ttlMs).onFailure(ctx::fail).onSuccess(reservation -> {
      if (reservation.claim() == null) {
        replay(ctx, reservation.found(), fingerprint);
        return;
      }
      IdempotencyClaim claim = reservation.claim();
      ctx.put(HELD, new Held(this, claim, creates ? id : null));
      // not answered with a 2xx (refused, failed, or the client went away): nothing was applied under the
      // claim unless the backend marked it so, and the release keeps a record so marked
      ctx.addEndHandler(ended -> {
        if (ctx.get(ANSWERED) == null) {
          records.release(claim).onFailure(err -> log.warn("request {}: Idempotency-Key not released: {}",
              RequestIds.of(ctx), err.getMessage()));
        }
      });
      ctx.next();
    });
  }

  private static void replay(RoutingContext ctx, Found found, String fingerprint) {
    if (!found.fingerprint().equals(fingerprint)) {
      ctx.fail(new ApiException(422, "this Idempotency-Key came with another request (method, path, body, "
          + "Content-Type or If-Match); use a new key for a new request"));
    } else if (found.state().equals(IdempotencyRecords.IN_FLIGHT)) {
      ctx.fail(ApiException.conflict("the first request with this Idempotency-Key is still in flight; retry "
          + "it in a moment"));
    } else if (found.state().equals(IdempotencyRecords.APPLIED)) {
      // its change is made; its answer is on its way, or was lost with its instance or to a 5xx after it
      ctx.fail(ApiException.conflict("the first request with this Idempotency-Key was applied and is still in "
          + "flight, or its answer was lost (its instance failed, or answered 503 after the change); retry in a "
          + "moment, or read the resource to see the outcome"));
    } else {
      Answer answer = found.answer();
      HttpServerResponse response = ctx.response().setStatusCode(answer.status());
      answer.headers().forEach(header -> response.putHeader(header.getKey(), String.valueOf(header.getValue())));
      response.putHeader(REPLAYED, "true");
      if (answer.body() == null) {
        response.end();
      } else {
        response.end(answer.body());
      }
    }
  }

  /** The command with the request's claim, when it holds one (docs/EVENTBUS.md: {@code idempotency}). */
  static JsonObject claimed(RoutingContext ctx, JsonObject command) {
    Held held = ctx.get(HELD);
    return held == null ? command : command.put("idempotency", held.claim().toJson());
  }

  /** The id a create without one gets under its key (null without a key). */
  static String workflowId(RoutingContext ctx) {
    Held held = ctx.get(HELD);
    return held == null ? null : held.workflowId();
  }

  /**
   * Ends the response with {@code status} and {@code body} (null: none): a 2xx answer to a request with a
   * key is stored first, so any answer a client saw is the one its retries get.
   */
  static Future<Void> end(RoutingContext ctx, int status, String body) {
    HttpServerResponse response = ctx.response().setStatusCode(status);
    Held held = ctx.get(HELD);
    if (held == null || status < 200 || status > 299) {
      return body == null ? response.end() : response.end(body);
    }
    JsonObject headers = new JsonObject();
    for (String name : KEPT) {
      String value = response.headers().get(name);
      if (value != null) {
        headers.put(name, value);
      }
    }
    return held.owner().records.complete(held.claim(), new Answer(status, headers, body), held.owner().ttlMs)
        .otherwise(err -> {
          // the change is made (and, on its workflow, marked applied): answer it all the same
          log.warn("request {}: answer to its Idempotency-Key not stored: {}", RequestIds.of(ctx), err.getMessage());
          return false;
        }).compose(stored -> {
          ctx.put(ANSWERED, true);
          return body == null ? response.end() : response.end(body);
        });
  }
}
