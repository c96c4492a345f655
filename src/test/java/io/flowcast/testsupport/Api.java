package io.flowcast.testsupport;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A blocking HTTP client for tests (real HTTP through Vert.x WebClient, awaited on the test thread). */
public final class Api {
  private final WebClient client;

  Api(Vertx vertx, int port) {
    this(WebClient.create(vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port)));
  }

  private Api(WebClient client) {
    this.client = client;
  }

  /** Requests through {@code client} (one with a local address of its own, say). */
  public static Api of(WebClient client) {
    return new Api(client);
  }

  /** A client of a server on this machine's {@code port} (one started as a process, say). */
  public static Api on(Vertx vertx, int port) {
    return new Api(vertx, port);
  }

  public HttpResponse<Buffer> get(String path, String token) {
    return send(HttpMethod.GET, path, token, null, null);
  }

  public HttpResponse<Buffer> post(String path, String token, JsonObject body) {
    return send(HttpMethod.POST, path, token, body == null ? null : body.toBuffer(), "application/json");
  }

  public HttpResponse<Buffer> patch(String path, String token, JsonObject body, String ifMatch) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    if (ifMatch != null) {
      headers.add("If-Match", ifMatch);
    }
    return send(HttpMethod.PATCH, path, token, body.toBuffer(), "application/merge-patch+json", headers);
  }

  public HttpResponse<Buffer> delete(String path, String token) {
    return send(HttpMethod.DELETE, path, token, null, null);
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Buffer body, String contentType) {
    return send(method, path, token, body, contentType, MultiMap.caseInsensitiveMultiMap());
  }

  public HttpResponse<Buffer> send(HttpMethod method, String path, String token, Buffer body, String contentType,
      MultiMap headers) {
    HttpRequest<Buffer> request = client.request(method, path).putHeaders(headers);
    if (token != null) {
      request.putHeader("Authorization", "Bearer " + token);
    }
    if (contentType != null) {
      request.putHeader("Content-Type", contentType);
    }
    return (body == null ? request.send() : request.sendBuffer(body)).await();
  }

  /** The value of a meter on {@code /metrics} now, summed over its labels; fails the test when it is absent. */
  public double metric(String name) {
    return meter(get("/metrics", null).bodyAsString(), name);
  }

  /** The value of a meter in a Prometheus scrape, summed over its labels; fails the test when it is absent. */
  public static double meter(String scrape, String name) {
    Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$").matcher(scrape);
    double sum = 0;
    boolean found = false;
    while (m.find()) {
      found = true;
      sum += Double.parseDouble(m.group(2));
    }
    if (!found) {
      throw new AssertionError(name + " is not in the scrape:\n" + scrape);
    }
    return sum;
  }

  /** Creates a workflow and returns its representation; fails the test unless the answer is 201. */
  public JsonObject create(String token, JsonObject body) {
    HttpResponse<Buffer> response = post("/api/v1/workflows", token, body);
    if (response.statusCode() != 201) {
      throw new AssertionError("create answered " + response.statusCode() + ": " + response.bodyAsString());
    }
    return response.bodyAsJsonObject();
  }
}
