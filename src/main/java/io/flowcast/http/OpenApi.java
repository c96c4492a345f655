package io.flowcast.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.RoutingContext;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

/**
 * {@code GET /api/v1/openapi.json}: the OpenAPI document of docs/openapi.yaml (packaged into the jar as
 * {@value #RESOURCE}), converted to JSON once, when the first HTTP verticle starts, and served as is.
 */
final class OpenApi implements Handler<RoutingContext> {
  static final String PATH = "/api/v1/openapi.json";
  static final String RESOURCE = "openapi/openapi.yaml";

  private static volatile Buffer json;

  private final Buffer document;

  private OpenApi(Buffer document) {
    this.document = document;
  }

  /** The handler; fails (and with it the verticle's start) when the packaged document is missing or broken. */
  static OpenApi handler() {
    Buffer converted = json;
    if (converted == null) {
      synchronized (OpenApi.class) {
        if (json == null) {
          json = Buffer.buffer(toJson(OpenApi.class.getClassLoader(), RESOURCE));
        }
        converted = json;
      }
    }
    return new OpenApi(converted);
  }

  /** The YAML resource {@code name} as compact JSON bytes. */
  static byte[] toJson(ClassLoader loader, String name) {
    try (InputStream in = loader.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("the OpenAPI document " + name + " is not on the class path");
      }
      JsonNode tree = new YAMLMapper().readTree(in);
      return new ObjectMapper().writeValueAsBytes(tree);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the OpenAPI document " + name, e);
    }
  }

  @Override
  public void handle(RoutingContext ctx) {
    ctx.response().putHeader("Content-Type", "application/json").end(document);
  }
}
