package io.flowcast.http;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.json.schema.OutputUnit;
import io.vertx.json.schema.SchemaRepository;
import io.vertx.openapi.contract.OpenAPIVersion;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static io.flowcast.http.OpenApiSchemas.names;

/**
 * Holds real answers to docs/openapi.yaml. The document is first validated against the OpenAPI 3.1 schema
 * and its references resolved by vertx-openapi (its OAS 3.1 schema repository: JSON Schema 2020-12, formats
 * such as {@code date-time} asserted); then each answer is held to the operation its method and path
 * name: its status must be documented for that operation, its {@code Content-Type} one the response
 * documents (no body where none is documented), its body valid against that media type's schema and without
 * fields the schema does not name, each documented header valid against its schema (and present where
 * required), and it carries
 * {@code X-Request-Id}. SSE frames are held to the {@code x-frame-data} schema of the stream's response.
 * Violations are collected (every one of a test at once) and thrown by {@link #verify()}.
 */
final class OpenApiConformance {
  private final OpenApiSchemas schemas;
  private final JsonObject paths;
  private final Map<String, Set<Integer>> checked = new TreeMap<>();
  private final List<String> violations = new ArrayList<>();

  private OpenApiConformance(SchemaRepository repository, JsonObject resolved) {
    this.schemas = new OpenApiSchemas(repository);
    this.paths = resolved.getJsonObject("paths");
  }

  /** A checker of {@code served} (the OpenAPI document as JSON); fails when it is not valid OpenAPI 3.1. */
  static OpenApiConformance of(Vertx vertx, JsonObject served) {
    JsonObject document = served.copy(); // resolving annotates the object it is given
    OpenAPIVersion version = OpenAPIVersion.fromContract(document);
    SchemaRepository repository = version.getRepository(vertx, "app://").await();
    OutputUnit valid = version.validateContract(vertx, repository, document).await();
    if (!valid.getValid()) {
      throw new AssertionError("not a valid OpenAPI " + document.getString("openapi") + " document:\n"
          + String.join("\n", OpenApiSchemas.errors(valid, "document")));
    }
    return new OpenApiConformance(repository, version.resolve(vertx, repository, document).await());
  }

  /** The documented routes ({@code METHOD /template}) and the statuses checked for each, so far. */
  Map<String, Set<Integer>> checked() {
    return checked;
  }

  /** Every documented operation, as {@code METHOD /template}, with the statuses it documents. */
  Map<String, Set<String>> documented() {
    Map<String, Set<String>> operations = new TreeMap<>();
    for (String template : names(paths)) {
      JsonObject path = paths.getJsonObject(template);
      for (String method : names(path)) {
        if (path.getValue(method) instanceof JsonObject op && op.containsKey("responses")) {
          operations.put(method.toUpperCase(Locale.ROOT) + " " + template, names(op.getJsonObject("responses")));
        }
      }
    }
    return operations;
  }

  /** Checks one answer to {@code method uri}; its violations are kept for {@link #verify()} and returned. */
  List<String> check(HttpMethod method, String uri, int status, MultiMap headers, Buffer body) {
    List<String> found = new ArrayList<>();
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    String template = template(method, path);
    String where = method + " " + uri + " -> " + status;
    if (template == null) {
      found.add(where + ": no operation of the document takes this method and path");
      return keep(found);
    }
    JsonObject responses = paths.getJsonObject(template).getJsonObject(method.name().toLowerCase(Locale.ROOT))
        .getJsonObject("responses");
    JsonObject response = responses.getJsonObject(String.valueOf(status), responses.getJsonObject("default"));
    if (response == null) {
      found.add(where + ": status " + status + " is not documented for " + method + " " + template
          + " (documented: " + names(responses) + ")");
      return keep(found);
    }
    checked.computeIfAbsent(method + " " + template, k -> new TreeSet<>()).add(status);
    if (headers.get("X-Request-Id") == null) {
      found.add(where + ": no X-Request-Id");
    }
    found.addAll(headers(where, response, headers));
    found.addAll(body(where, response, headers.get("Content-Type"), body));
    return keep(found);
  }

  /**
   * Checks a request the server accepted (answered 2xx): its query parameters are documented for the operation
   * (the SSE feeds' {@code access_token} is a security scheme's) and valid against their schemas, and its body
   * is of a documented content type and valid against that schema, without fields it does not name. What the
   * server takes, the document must say it takes.
   */
  List<String> checkAccepted(HttpMethod method, String uri, String contentType, Buffer body) {
    List<String> found = new ArrayList<>();
    String path = uri.contains("?") ? uri.substring(0, uri.indexOf('?')) : uri;
    String template = template(method, path);
    if (template == null) {
      return keep(List.of(method + " " + uri + ": no operation of the document takes this method and path"));
    }
    String where = method + " " + uri + " (request)";
    JsonObject pathItem = paths.getJsonObject(template);
    JsonObject operation = pathItem.getJsonObject(method.name().toLowerCase(Locale.ROOT));
    Map<String, JsonObject> parameters = new HashMap<>();
    for (JsonObject owner : List.of(pathItem, operation)) {
      JsonArray declared = owner.getJsonArray("parameters", new JsonArray());
      for (int i = 0; i < declared.size(); i++) {
        JsonObject parameter = declared.getJsonObject(i);
        if ("query".equals(parameter.getString("in"))) {
          parameters.put(parameter.getString("name"), parameter);
        }
      }
    }
    Map<String, List<String>> query = new TreeMap<>();
    if (uri.contains("?")) {
      for (String pair : uri.substring(uri.indexOf('?') + 1).split("&")) {
        String[] kv = pair.split("=", 2);
        query.computeIfAbsent(decode(kv[0]), k -> new ArrayList<>()).add(kv.length > 1 ? decode(kv[1]) : "");
      }
    }
    query.forEach((name, values) -> {
      JsonObject parameter = parameters.get(name);
      if (parameter == null) {
        if (!name.equals("access_token") || !operation.encode().contains("accessTokenQuery")) {
          found.add(where + ": query parameter " + name + " is not documented for " + method + " " + template);
        }
        return;
      }
      JsonObject schema = parameter.getJsonObject("schema", new JsonObject());
      Object instance = "array".equals(schema.getValue("type")) ? new JsonArray(new ArrayList<>(values))
          : typed(schema, values.get(0));
      found.addAll(schemas.validate(schema, instance, where + " query " + name));
    });
    if (body != null && body.length() > 0) {
      found.addAll(requestBody(where, operation, contentType, body));
    }
    return keep(found);
  }

  private List<String> requestBody(String where, JsonObject operation, String contentType, Buffer body) {
    JsonObject content = operation.getJsonObject("requestBody", new JsonObject()).getJsonObject("content");
    String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (content == null || !content.containsKey(type)) {
      return List.of(where + ": a body of " + contentType + " where the document takes "
          + (content == null ? "none" : names(content)));
    }
    JsonObject schema = content.getJsonObject(type).getJsonObject("schema");
    if (schema == null) {
      return List.of();
    }
    Object instance;
    if (type.equals("application/x-www-form-urlencoded")) {
      JsonObject form = new JsonObject();
      for (String pair : body.toString().split("&")) {
        String[] kv = pair.split("=", 2);
        form.put(decode(kv[0]), kv.length > 1 ? decode(kv[1]) : "");
      }
      instance = form;
    } else {
      instance = Json.decodeValue(body);
    }
    return schemas.validate(schema, instance, where + " body");
  }

  private static Object typed(JsonObject schema, String value) {
    if ("integer".equals(schema.getValue("type"))) {
      try {
        return Long.parseLong(value);
      } catch (NumberFormatException e) {
        return value;
      }
    }
    return value;
  }

  private static String decode(String text) {
    return java.net.URLDecoder.decode(text, java.nio.charset.StandardCharsets.UTF_8);
  }

  /** Checks the data of one SSE frame of the stream {@code GET template} against its {@code x-frame-data} schema. */
  List<String> checkFrame(String template, String event, String data) {
    JsonObject media = paths.getJsonObject(template).getJsonObject("get").getJsonObject("responses")
        .getJsonObject("200").getJsonObject("content").getJsonObject("text/event-stream");
    JsonObject schema = media.getJsonObject("x-frame-data");
    String where = "GET " + template + " frame " + event;
    if (schema == null) {
      return keep(List.of(where + ": the stream documents no x-frame-data schema"));
    }
    try {
      return keep(schemas.validate(schema, Json.decodeValue(data), where));
    } catch (DecodeException e) {
      return keep(List.of(where + ": data is not JSON: " + data));
    }
  }

  /** Throws every violation found since the last call, and forgets them. */
  void verify() {
    List<String> all = new ArrayList<>(violations);
    violations.clear();
    if (!all.isEmpty()) {
      throw new AssertionError(all.size() + " disagreement(s) with docs/openapi.yaml:\n" + String.join("\n", all));
    }
  }

  private List<String> keep(List<String> found) {
    violations.addAll(found);
    return found;
  }

  private List<String> headers(String where, JsonObject response, MultiMap actual) {
    List<String> found = new ArrayList<>();
    JsonObject documented = response.getJsonObject("headers", new JsonObject());
    for (String name : names(documented)) {
      JsonObject header = documented.getJsonObject(name);
      String value = actual.get(name);
      if (value == null) {
        if (header.getBoolean("required", false)) {
          found.add(where + ": the required header " + name + " is missing");
        }
        continue;
      }
      JsonObject schema = header.getJsonObject("schema", new JsonObject());
      Object instance = value;
      if ("integer".equals(schema.getValue("type"))) {
        try {
          instance = Long.parseLong(value);
        } catch (NumberFormatException e) {
          found.add(where + ": header " + name + " is not an integer: " + value);
          continue;
        }
      }
      found.addAll(schemas.validate(schema, instance, where + " header " + name));
    }
    return found;
  }

  private List<String> body(String where, JsonObject response, String contentType, Buffer body) {
    JsonObject content = response.getJsonObject("content");
    boolean empty = body == null || body.length() == 0;
    if (content == null || names(content).isEmpty()) {
      return empty ? List.of() : List.of(where + ": a body (" + contentType + ") where the document has none: "
          + abbreviate(body.toString()));
    }
    String type = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    JsonObject media = content.getJsonObject(type);
    if (media == null) {
      return List.of(where + ": Content-Type " + contentType + " is not documented (documented: " + names(content)
          + ")");
    }
    JsonObject schema = media.getJsonObject("schema");
    if (schema == null || type.equals("text/event-stream")) {
      return List.of();
    }
    Object instance;
    if (type.endsWith("json")) {
      try {
        instance = empty ? null : Json.decodeValue(body);
      } catch (DecodeException e) {
        return List.of(where + ": the body is not JSON: " + abbreviate(body.toString()));
      }
    } else {
      instance = empty ? "" : body.toString();
    }
    List<String> found = schemas.validate(schema, instance, where + " body");
    return found.isEmpty() ? found
        : List.of(String.join("\n", found) + "\n  body: " + abbreviate(String.valueOf(body)));
  }

  /** The documented path of {@code method} that {@code path} falls under; literal segments beat parameters. */
  private String template(HttpMethod method, String path) {
    String best = null;
    int bestLiterals = -1;
    String[] segments = path.split("/", -1);
    for (String template : names(paths)) {
      if (!paths.getJsonObject(template).containsKey(method.name().toLowerCase(Locale.ROOT))) {
        continue;
      }
      String[] parts = template.split("/", -1);
      if (parts.length != segments.length) {
        continue;
      }
      int literals = 0;
      boolean match = true;
      for (int i = 0; i < parts.length && match; i++) {
        if (parts[i].startsWith("{") && parts[i].endsWith("}")) {
          match = !segments[i].isEmpty();
        } else if (parts[i].equals(segments[i])) {
          literals++;
        } else {
          match = false;
        }
      }
      if (match && literals > bestLiterals) {
        best = template;
        bestLiterals = literals;
      }
    }
    return best;
  }

  private static String abbreviate(String text) {
    return text.length() <= 400 ? text : text.substring(0, 400) + "...";
  }
}
