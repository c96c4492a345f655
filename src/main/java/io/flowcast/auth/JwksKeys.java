package io.flowcast.auth;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The keys published at {@code jwt.jwks_url}, merged with the configured ones (which win on a shared key
 * id). Fetched when first needed and kept {@code jwt.jwks_cache_seconds}; a token naming a key id that is
 * not known fetches them again early, at most once per {@link #UNKNOWN_KID_REFRESH_MS}, so a key the
 * provider has just rotated in is found while made-up key ids cannot turn into a flood of requests. A failed
 * fetch keeps the keys already known and is retried after {@link #RETRY_AFTER_FAILURE_MS}.
 *
 * <p>One instance per HTTP verticle, used on its event loop only (no locks).
 */
final class JwksKeys {
  static final long UNKNOWN_KID_REFRESH_MS = 30_000;
  static final long RETRY_AFTER_FAILURE_MS = 5_000;
  private static final long FETCH_TIMEOUT_MS = 5_000;
  private static final int MAX_DOCUMENT_BYTES = 1 << 20;
  private static final Logger log = LoggerFactory.getLogger(JwksKeys.class);

  private final Vertx vertx;
  private final String url;
  private final long cacheMs;
  private final PublicKeys configured;
  private HttpClient client;
  private PublicKeys keys;
  private long freshUntil;
  private boolean fetched;
  private long lastEarlyRefresh;
  private boolean refreshedEarly;
  private Future<PublicKeys> inFlight;

  JwksKeys(Vertx vertx, String url, int cacheSeconds, PublicKeys configured) {
    this.vertx = vertx;
    this.url = url;
    this.cacheMs = cacheSeconds * 1000L;
    this.configured = configured;
    this.keys = configured;
  }

  /** The keys, fetched first when they are older than the cache time. Never fails. */
  Future<PublicKeys> current() {
    return fetched && now() - freshUntil < 0 ? Future.succeededFuture(keys) : fetch();
  }

  /** The keys, fetched again unless that was done for an unknown key id less than 30 s ago. Never fails. */
  Future<PublicKeys> refreshForUnknownKid() {
    long now = now();
    if (refreshedEarly && now - lastEarlyRefresh < UNKNOWN_KID_REFRESH_MS) {
      return Future.succeededFuture(keys);
    }
    refreshedEarly = true;
    lastEarlyRefresh = now;
    return fetch();
  }

  private Future<PublicKeys> fetch() {
    if (inFlight != null) {
      return inFlight;
    }
    Promise<PublicKeys> done = Promise.promise();
    inFlight = done.future();
    download().map(body -> PublicKeys.fromJwks(new JsonObject(body))).onComplete(result -> {
      fetched = true;
      inFlight = null;
      if (result.succeeded()) {
        keys = configured.plus(result.result());
        freshUntil = now() + cacheMs;
        log.info("JWKS loaded from {}: {} usable keys", url, result.result().size());
      } else {
        freshUntil = now() + RETRY_AFTER_FAILURE_MS;
        log.warn("JWKS fetch from {} failed ({}); keeping the {} keys already known", url,
            result.cause().getMessage(), keys.size());
      }
      done.complete(keys);
    });
    return done.future();
  }

  private Future<Buffer> download() {
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setAbsoluteURI(url)
        .setConnectTimeout(FETCH_TIMEOUT_MS)
        .setIdleTimeout(FETCH_TIMEOUT_MS)
        .putHeader("Accept", "application/json");
    try {
      return client().request(request)
          .compose(req -> req.send().compose(this::body))
          .timeout(FETCH_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Buffer> body(HttpClientResponse response) {
    if (response.statusCode() != 200) {
      response.request().reset();
      return Future.failedFuture("HTTP status " + response.statusCode());
    }
    Promise<Buffer> read = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      if (body.length() + chunk.length() > MAX_DOCUMENT_BYTES) {
        read.tryFail("the document is larger than " + MAX_DOCUMENT_BYTES + " bytes");
        response.request().reset();
      } else {
        body.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(read::tryFail);
    response.endHandler(end -> read.tryComplete(body));
    return read.future();
  }

  /** Created on first use, on the verticle's context, so it is closed with the verticle. */
  private HttpClient client() {
    if (client == null) {
      client = vertx.createHttpClient();
    }
    return client;
  }

  private static long now() {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime());
  }
}
