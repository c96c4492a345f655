package io.flowcast.http;

import io.flowcast.testsupport.StartedServer;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * docs/openapi.yaml, as served at {@code /api/v1/openapi.json}, names exactly the routes the server
 * registers: read from the route registrations in the sources ({@code router.get(...)} and the like, their
 * string constants resolved), and checked against the running server (every documented route is routed).
 */
class OpenApiTest {
  @RegisterExtension
  static final StartedServer server = StartedServer.inMemory();

  private static final Path SOURCES = Path.of("src/main/java/io/flowcast");
  private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "patch", "head", "options",
      "trace");
  private static final Pattern REGISTRATION =
      Pattern.compile("\\brouter\\s*\\.\\s*(get|post|put|patch|delete|head|options|trace)\\s*\\(([^)]*)\\)");
  private static final Pattern CONSTANT = Pattern.compile("static\\s+final\\s+String\\s+(\\w+)\\s*=\\s*([^;]+);");
  private static final Pattern STATIC_IMPORT = Pattern.compile("import\\s+static\\s+[\\w.]*\\.(\\w+)\\.(\\w+)\\s*;");

  private static JsonObject document;

  @BeforeAll
  static void fetch() {
    HttpResponse<Buffer> response = server.api().get("/api/v1/openapi.json", null);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.getHeader("Content-Type")).startsWith("application/json");
    document = response.bodyAsJsonObject();
    // the shared buffer serves every request whole
    assertThat(server.api().get("/api/v1/openapi.json", null).bodyAsJsonObject()).isEqualTo(document);
  }

  @Test
  void isOpenApi31() {
    assertThat(document.getString("openapi")).matches("3\\.1\\.\\d+");
    assertThat(document.getJsonObject("info").getString("title")).isNotBlank();
    assertThat(document.getJsonObject("paths")).isNotEmpty();
  }

  @Test
  void documentsExactlyTheRoutesTheSourcesRegister() throws IOException {
    Set<String> registered = registeredRoutes();
    // the extraction itself works: a few routes of each kind are found
    assertThat(registered).contains("GET /health", "GET /ready", "GET /metrics", "POST /api/v1/workflows",
        "PATCH /api/v1/workflows/{id}", "GET /api/v1/workflows/{id}/stream", "GET /api/v1/stream",
        "PUT /api/v1/workflows/{id}/drafts/{section}", "POST /api/v1/workflows/{id}/actions/{action_id}/fail",
        "POST /api/v1/auth/token", "GET /api/v1/system/instances", "GET /api/v1/openapi.json");
    assertThat(documentedRoutes()).as("routes of docs/openapi.yaml (expected: the routes registered in the sources)")
        .isEqualTo(registered);
  }

  @Test
  void everyDocumentedRouteIsRouted() {
    List<String> unrouted = new ArrayList<>();
    for (String route : documentedRoutes()) {
      String[] parts = route.split(" ", 2);
      if (parts[1].contains("stream")) {
        continue; // without a token a stream answers 401 like any route; nothing more to learn here
      }
      String path = parts[1].replaceAll("\\{[^}]+}", "x");
      int status = server.api().send(HttpMethod.valueOf(parts[0]), path, null, null, null).statusCode();
      // unrouted paths fall to the /api/* catch-all (404) or to the static files (404 or 405)
      if (status == 404 || status == 405) {
        unrouted.add(route + " -> " + status);
      }
    }
    assertThat(unrouted).isEmpty();
  }

  @Test
  void keyRoutesDocumentTheirStatuses() {
    assertThat(statuses("/api/v1/workflows", "post")).contains("201", "400", "401", "403", "409", "413", "429");
    assertThat(statuses("/api/v1/workflows/{id}", "patch")).contains("200", "400", "401", "404", "412", "415");
    assertThat(statuses("/api/v1/workflows/{id}", "delete")).contains("204", "404");
    assertThat(statuses("/api/v1/workflows/{id}/events", "post")).contains("201", "400", "404");
    assertThat(statuses("/api/v1/workflows/{id}/events", "get")).contains("200", "404");
    assertThat(statuses("/api/v1/workflows/{id}/actions/claim", "post")).contains("200", "204");
    assertThat(statuses("/api/v1/workflows/{id}/drafts/{section}/commit", "post")).contains("200", "409");
    assertThat(statuses("/api/v1/auth/token", "post")).contains("200", "400", "401", "429");
    assertThat(statuses("/ready", "get")).contains("200", "503");
    JsonObject stream = document.getJsonObject("paths").getJsonObject("/api/v1/workflows/{id}/stream")
        .getJsonObject("get");
    assertThat(resolve(stream.getJsonObject("responses").getJsonObject("200")).getJsonObject("content").fieldNames())
        .contains("text/event-stream");
    JsonObject problem = document.getJsonObject("components").getJsonObject("schemas").getJsonObject("Problem");
    assertThat(problem.getJsonObject("properties").fieldNames())
        .contains("type", "title", "status", "detail", "instance", "request_id");
  }

  @Test
  void everyReferenceResolves() {
    List<String> refs = new ArrayList<>();
    collectRefs(document, refs);
    assertThat(refs).isNotEmpty();
    List<String> broken = refs.stream().filter(ref -> !ref.startsWith("#/") || pointer(ref) == null).toList();
    assertThat(broken).isEmpty();
  }

  private static Set<String> statuses(String path, String method) {
    return document.getJsonObject("paths").getJsonObject(path).getJsonObject(method).getJsonObject("responses")
        .fieldNames();
  }

  private static JsonObject resolve(JsonObject maybeRef) {
    return maybeRef.containsKey("$ref") ? (JsonObject) pointer(maybeRef.getString("$ref")) : maybeRef;
  }

  private static Object pointer(String ref) {
    Object at = document;
    for (String token : ref.substring(2).split("/")) {
      token = token.replace("~1", "/").replace("~0", "~");
      if (!(at instanceof JsonObject object) || !object.containsKey(token)) {
        return null;
      }
      at = object.getValue(token);
    }
    return at;
  }

  private static void collectRefs(Object node, List<String> refs) {
    if (node instanceof JsonObject object) {
      object.forEach(e -> {
        if (e.getKey().equals("$ref") && e.getValue() instanceof String ref) {
          refs.add(ref);
        } else {
          collectRefs(e.getValue(), refs);
        }
      });
    } else if (node instanceof JsonArray array) {
      array.forEach(item -> collectRefs(item, refs));
    }
  }

  private static Set<String> documentedRoutes() {
    Set<String> routes = new TreeSet<>();
    JsonObject paths = document.getJsonObject("paths");
    for (String path : paths.fieldNames()) {
      for (String key : paths.getJsonObject(path).fieldNames()) {
        if (METHODS.contains(key)) {
          routes.add(key.toUpperCase() + " " + path);
        }
      }
    }
    return routes;
  }

  /** "METHOD /path/{param}" of every {@code router.<method>(<constant expression>)} in the main sources. */
  private static Set<String> registeredRoutes() throws IOException {
    Map<Path, String> texts = new HashMap<>();
    try (Stream<Path> files = Files.walk(SOURCES)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".java")).toList()) {
        texts.put(file, Files.readString(file));
      }
    }
    // "Class.NAME" -> its expression, for every String constant
    Map<String, String> constants = new HashMap<>();
    Map<Path, String> classes = new HashMap<>();
    texts.forEach((file, text) -> {
      String cls = file.getFileName().toString().replace(".java", "");
      classes.put(file, cls);
      Matcher m = CONSTANT.matcher(text);
      while (m.find()) {
        constants.put(cls + "." + m.group(1), m.group(2).trim());
      }
    });
    Set<String> routes = new TreeSet<>();
    texts.forEach((file, text) -> {
      Map<String, String> imports = new HashMap<>();
      Matcher im = STATIC_IMPORT.matcher(text);
      while (im.find()) {
        imports.put(im.group(2), im.group(1) + "." + im.group(2));
      }
      Matcher m = REGISTRATION.matcher(text);
      while (m.find()) {
        String path = evaluate(m.group(2), classes.get(file), imports, constants, file);
        routes.add(m.group(1).toUpperCase() + " " + path.replaceAll(":(\\w+)", "{$1}"));
      }
    });
    return routes;
  }

  private static String evaluate(String expression, String cls, Map<String, String> imports,
      Map<String, String> constants, Path file) {
    StringBuilder value = new StringBuilder();
    for (String term : expression.split("\\+")) {
      term = term.trim();
      if (term.startsWith("\"") && term.endsWith("\"") && term.length() >= 2) {
        value.append(term, 1, term.length() - 1);
        continue;
      }
      String qualified = term.contains(".") ? term
          : constants.containsKey(cls + "." + term) ? cls + "." + term : imports.get(term);
      String constant = qualified == null ? null : constants.get(qualified);
      if (constant == null) {
        throw new AssertionError(file + ": cannot resolve route path term " + term + " in " + expression
            + " (register routes with string constants and literals only)");
      }
      String owner = qualified.substring(0, qualified.lastIndexOf('.'));
      value.append(evaluate(constant, owner, imports, constants, file));
    }
    return value.toString();
  }
}
