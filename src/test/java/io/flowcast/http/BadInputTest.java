package io.flowcast.http;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSObject;
import com.nimbusds.jose.Payload;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.flowcast.testsupport.Api;
import io.flowcast.testsupport.StartedServer;
import io.flowcast.testsupport.TestServer;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One server, one known workflow, and a table of malformed or unauthorized requests. Every row must be
 * answered with its status as RFC 9457 problem details (never a stack trace, never a 5xx), and after the
 * whole table the known workflow, its version and its event history must be exactly as before.
 *
 * <p>Forged tokens are minted with nimbus-jose-jwt, a JOSE implementation independent of the server's.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BadInputTest {
  private static final String WF = "/api/v1/workflows";
  private static final String TENANT = "acme";
  private static final String KNOWN = "known-wf";
  private static final String KNOWN_PATH = WF + "/" + KNOWN;
  private static final String JSON = "application/json";
  private static final String MERGE = "application/merge-patch+json";
  private static final int BODY_LIMIT = 4096;
  private static final String RO = "workflows:read";

  @RegisterExtension
  static final StartedServer server = StartedServer.with(new JsonObject().put("http.body_limit_bytes", BODY_LIMIT));
  private static Api api;
  private static String rw;
  private static String reader;
  private static String noScopes;
  private static String otherTenant;
  private static String formTenant;
  private static JsonObject knownBefore;
  private static JsonArray historyBefore;

  /** One malformed request and the status it must get (or one of a few); the name is the behaviour. */
  record Row(String name, Set<Integer> statuses, Supplier<HttpResponse<Buffer>> request) {
    @Override
    public String toString() {
      return name;
    }
  }

  @BeforeAll
  static void knownWorkflow() {
    api = server.api();
    rw = server.token("writer", TENANT, TestServer.RW);
    reader = server.token("reader", TENANT, RO);
    noScopes = server.token("nobody", TENANT, "");
    otherTenant = server.token("intruder", "other", TestServer.RW);
    formTenant = server.token("former", "forms", TestServer.RW);

    api.create(rw, new JsonObject().put("id", KNOWN).put("status", "running")
        .put("state", new JsonObject().put("step", 1).put("items", new JsonArray().add("a").add("b"))
            .put("nested", new JsonObject().put("k", "v")))
        .put("metadata", new JsonObject().put("owner", "qa")));
    HttpResponse<Buffer> patched = api.patch(KNOWN_PATH, rw,
        new JsonObject().put("state", new JsonObject().put("step", 2)), "\"1\"");
    assertThat(patched.statusCode()).as(patched.bodyAsString()).isEqualTo(200);
    api.post(KNOWN_PATH + "/events", rw, new JsonObject().put("type", "note.added").put("data", "hello"));

    knownBefore = readKnown();
    historyBefore = readHistory();
    assertThat(knownBefore.getLong("version")).isEqualTo(2);
    assertThat(historyBefore).hasSize(3);
  }

  @Test
  @Order(1)
  void independentlyMintedValidTokenIsAccepted() {
    // the control for every forged-token row: the same recipe, unforged, is accepted
    HttpResponse<Buffer> response = api.get(KNOWN_PATH, forge(c -> { }));
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    assertThat(response.bodyAsJsonObject().getString("id")).isEqualTo(KNOWN);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  @Order(2)
  void badRequestIsRejectedWithProblemDetails(Row row) {
    HttpResponse<Buffer> response = row.request().get();
    String body = response.bodyAsString();

    assertThat(response.statusCode()).as("status of %s, body %s", row.name(), body).isIn(row.statuses());
    assertThat(response.getHeader("Content-Type")).as("content type").startsWith("application/problem+json");
    JsonObject problem = new JsonObject(body);
    assertThat(problem.getInteger("status")).as("problem status").isEqualTo(response.statusCode());
    assertThat(problem.getString("detail")).as("problem detail").isNotBlank();
    assertThat(problem.getString("type")).as("problem type").isNotBlank();
    assertThat(problem.getString("title")).as("problem title").isNotBlank();
    assertThat(problem.getString("request_id")).as("request id")
        .isNotBlank().isEqualTo(response.getHeader("X-Request-Id"));
    assertThat(body).as("no stack trace").doesNotContain("Exception").doesNotContain("at io.")
        .doesNotContain("\tat ");
    assertThat(body).as("never echoes a token").doesNotContain("eyJ");
    if (response.statusCode() == 401) {
      assertThat(response.getHeader("WWW-Authenticate")).as("WWW-Authenticate").startsWith("Bearer");
    }
  }

  @Test
  @Order(3)
  void knownWorkflowIsExactlyUnchangedAfterEveryBadRequest() {
    JsonObject after = readKnown();
    for (String field : List.of("id", "tenant", "status", "state", "metadata", "version", "created_at",
        "updated_at")) {
      assertThat(after.getValue(field)).as(field).isEqualTo(knownBefore.getValue(field));
    }
    assertThat(readHistory()).isEqualTo(historyBefore);
    JsonArray items = api.get(WF, rw).bodyAsJsonObject().getJsonArray("items");
    assertThat(items.stream().map(o -> ((JsonObject) o).getString("id")).toList())
        .as("no row created a workflow").containsExactly(KNOWN);
    assertThat(api.get(WF, otherTenant).bodyAsJsonObject().getJsonArray("items")).as("other tenant").isEmpty();
  }

  static Stream<Row> rows() {
    String id129 = "a".repeat(129);
    String id250 = "b".repeat(250);
    String oversized = new JsonObject().put("state", new JsonObject().put("blob", "x".repeat(BODY_LIMIT * 2)))
        .encode();
    return Stream.of(
        // identifiers in the path
        row("pathIdWithColonIs400", 400, () -> api.get(WF + "/a%3Ab", rw)),
        row("pathIdStarIs400", 400, () -> api.get(WF + "/*", rw)),
        row("pathIdWithBracesIs400", 400, () -> api.get(WF + "/%7Bx%7D", rw)),
        row("pathIdOf129CharsIs400", 400, () -> api.get(WF + "/" + id129, rw)),
        row("pathIdOf250CharsIs400", 400, () -> api.get(WF + "/" + id250, rw)),
        row("pathIdWithSpaceIs400", 400, () -> api.get(WF + "/a%20b", rw)),
        row("pathIdWithUnicodeIs400", 400, () -> api.get(WF + "/%C3%A9t%C3%A9", rw)),
        row("pathIdWithEncodedSlashIs400", 400, () -> api.get(WF + "/a%2Fb", rw)),
        row("patchOnPathIdWithColonIs400", 400, () -> api.patch(WF + "/a%3Ab", rw, statePatch(), null)),
        row("deleteOnPathIdWithBracesIs400", 400, () -> api.delete(WF + "/%7Bx%7D", rw)),
        // BUG(main): a malformed percent-escape answers 500 today. Vert.x routes it to errorHandler(400) without
        // calling fail(), so ctx.statusCode() is -1 and Problems.toProblem falls through to 500.
        row("pathWithMalformedPercentEscapeIs400", 400, () -> api.get(WF + "/%zz", rw)),
        row("pathWithTruncatedPercentEscapeIs400", 400, () -> api.get(WF + "/a%", rw)),
        row("historyOnPathIdWithColonIs400", 400, () -> api.get(WF + "/a%3Ab/events", rw)),
        row("publishOnPathIdOf129CharsIs400", 400, () -> api.post(WF + "/" + id129 + "/events", rw,
            new JsonObject().put("type", "note.added"))),

        // the create body
        row("createWithColonIdIs400", 400, () -> create("{\"id\":\"a:b\"}")),
        row("createWith129CharIdIs400", 400, () -> create("{\"id\":\"" + id129 + "\"}")),
        row("createWithNumericIdIs400", 400, () -> create("{\"id\":42}")),
        row("createWithEmptyIdIs400", 400, () -> create("{\"id\":\"\"}")),
        row("createWithNewlineInIdIs400", 400, () -> create("{\"id\":\"a\\nb\"}")),
        row("createWithBrokenJsonIs400", 400, () -> create("{\"state\":")),
        row("createWithArrayBodyIs400", 400, () -> create("[{\"id\":\"wf-array\"}]")),
        row("createWithStringBodyIs400", 400, () -> create("\"wf-string\"")),
        row("createWithNumberBodyIs400", 400, () -> create("42")),
        row("createWithBodyOverLimitIs413", 413, () -> create(oversized)),
        // BUG(main): a multipart body reaches Bodies.object as an empty buffer (BodyHandler parsed it into form
        // attributes), so it counts as "no body" and creates a workflow (201). Sent in a tenant of its own so a
        // failure here does not also break the unchanged-state check.
        row("createWithMultipartBodyIs415", 415, () -> raw(HttpMethod.POST, WF, formTenant,
            "--b\r\nContent-Disposition: form-data; name=\"id\"\r\n\r\nwf-form\r\n--b--\r\n",
            "multipart/form-data; boundary=b")),
        row("createWithFormUrlEncodedIs415", 415, () -> raw(HttpMethod.POST, WF, formTenant, "id=wf-form",
            "application/x-www-form-urlencoded")),
        row("createWithTextPlainIs415", 415, () -> raw(HttpMethod.POST, WF, rw, "{\"id\":\"wf-text\"}",
            "text/plain")),
        row("createWithUnknownFieldIs400", 400, () -> create("{\"id\":\"wf-unknown\",\"nmae\":\"x\"}")),
        row("createWithStateArrayIs400", 400, () -> create("{\"state\":[1,2]}")),
        row("createWithStateStringIs400", 400, () -> create("{\"state\":\"x\"}")),
        row("createWithMetadataArrayIs400", 400, () -> create("{\"metadata\":[]}")),
        row("createWithNumericStatusIs400", 400, () -> create("{\"status\":42}")),
        row("createWithUnknownStatusIs400", 400, () -> create("{\"status\":\"done\"}")),
        row("createWithStringTtlIs400", 400, () -> create("{\"ttl_seconds\":\"x\"}")),
        row("createWithNegativeTtlIs400", 400, () -> create("{\"ttl_seconds\":-1}")),
        row("createWithZeroTtlIs400", 400, () -> create("{\"ttl_seconds\":0}")),
        row("createWithFractionalTtlIs400", 400, () -> create("{\"ttl_seconds\":1.5}")),
        row("createWithTtlOverMaximumIs400", 400, () -> create("{\"ttl_seconds\":"
            + (server.config().maxTtlSeconds() + 1L) + "}")),
        row("createWithExistingIdIs409", 409, () -> create("{\"id\":\"" + KNOWN + "\",\"state\":{\"step\":99}}")),

        // merge patches of the known workflow
        row("patchWithStateNullIs400", 400, () -> patch("{\"state\":null}")),
        row("patchWithStatusNullIs400", 400, () -> patch("{\"status\":null}")),
        row("patchWithMetadataNullIs400", 400, () -> patch("{\"metadata\":null}")),
        row("patchWithStateStringIs400", 400, () -> patch("{\"state\":\"x\"}")),
        row("patchWithStateArrayIs400", 400, () -> patch("{\"state\":[\"x\"]}")),
        row("patchWithUnknownStatusIs400", 400, () -> patch("{\"status\":\"done\"}")),
        row("patchWithNumericStatusIs400", 400, () -> patch("{\"status\":42}")),
        row("patchWithUnknownFieldIs400", 400, () -> patch("{\"version\":9,\"state\":{\"step\":3}}")),
        row("patchWithBrokenJsonIs400", 400, () -> patch("{\"state\":{\"step\":")),
        row("patchWithArrayBodyIs400", 400, () -> patch("[{\"state\":{}}]")),
        row("patchWithStringBodyIs400", 400, () -> patch("\"x\"")),
        row("patchWithoutBodyIs400", 400, () -> raw(HttpMethod.PATCH, KNOWN_PATH, rw, null, null)),
        row("patchWithTextPlainIs415", 415, () -> raw(HttpMethod.PATCH, KNOWN_PATH, rw,
            "{\"state\":{\"step\":3}}", "text/plain")),
        row("patchWithBodyOverLimitIs413", 413, () -> patch(oversized)),
        row("patchWithNonNumericIfMatchIs400", 400, () -> api.patch(KNOWN_PATH, rw, statePatch(), "\"abc\"")),
        row("patchWithZeroIfMatchIs400", 400, () -> api.patch(KNOWN_PATH, rw, statePatch(), "\"0\"")),
        row("patchWithStaleIfMatchIs412", 412, () -> api.patch(KNOWN_PATH, rw, statePatch(), "\"1\"")),
        row("patchWithFutureIfMatchIs412", 412, () -> api.patch(KNOWN_PATH, rw, statePatch(), "\"999\"")),

        // listing
        row("listWithLimitZeroIs400", 400, () -> api.get(WF + "?limit=0", rw)),
        row("listWithNegativeLimitIs400", 400, () -> api.get(WF + "?limit=-1", rw)),
        row("listWithNonNumericLimitIs400", 400, () -> api.get(WF + "?limit=x", rw)),
        row("listWithLimitOverMaximumIs400", 400, () -> api.get(WF + "?limit="
            + (server.config().listMaxLimit() + 1), rw)),
        row("listWithLimitOverflowingIntIs400", 400, () -> api.get(WF + "?limit=99999999999", rw)),
        row("listWithGarbageCursorIs400", 400, () -> api.get(WF + "?cursor=%21%21%21", rw)),
        row("listWithForgedCursorIs400", 400, () -> api.get(WF + "?cursor="
            + Base64.getUrlEncoder().withoutPadding().encodeToString("no-slash".getBytes(StandardCharsets.UTF_8)),
            rw)),
        // BUG(main): getParam throws IllegalArgumentException on a malformed escape, which renders as 500
        row("listWithMalformedPercentEscapeInQueryIs400", 400, () -> api.get(WF + "?limit=%zz", rw)),
        row("listWithUnknownStatusIs400", 400, () -> api.get(WF + "?status=done", rw)),

        // event history
        row("historyWithNonIdAfterIs400", 400, () -> api.get(KNOWN_PATH + "/events?after=abc", rw)),
        row("historyWithNegativeAfterIs400", 400, () -> api.get(KNOWN_PATH + "/events?after=-1-0", rw)),
        // BUG(main): as above, 500 today
        row("historyWithMalformedPercentEscapeInQueryIs400", 400, () -> api.get(KNOWN_PATH
            + "/events?after=%zz", rw)),
        row("historyWithLimitZeroIs400", 400, () -> api.get(KNOWN_PATH + "/events?limit=0", rw)),
        row("historyWithLimitOverMaximumIs400", 400, () -> api.get(KNOWN_PATH + "/events?limit="
            + (server.config().eventsMaxLimit() + 1), rw)),

        // custom events
        row("eventWithReservedTypeIs400", 400, () -> publish(event("workflow.deleted"))),
        row("eventWithSseControlTypeIs400", 400, () -> publish(event("snapshot"))),
        row("eventWithNewlineInTypeIs400", 400, () -> publish(event("note\nevent: workflow.deleted"))),
        row("eventWithColonInTypeIs400", 400, () -> publish(event("note:added"))),
        row("eventWithNumericTypeIs400", 400, () -> publish(new JsonObject().put("type", 7))),
        row("eventWithoutTypeIs400", 400, () -> publish(new JsonObject().put("data", new JsonObject()))),
        row("eventWithUnknownFieldIs400", 400, () -> publish(event("note.added").put("seq", 1))),
        row("eventWithBadParentIdIs400", 400, () -> publish(event("note.added").put("parent_id", "a:b"))),
        row("eventWithMetadataStringIs400", 400, () -> publish(event("note.added").put("metadata", "x"))),
        row("eventWithoutBodyIs400", 400, () -> raw(HttpMethod.POST, KNOWN_PATH + "/events", rw, null, null)),
        row("eventWithArrayBodyIs400", 400, () -> raw(HttpMethod.POST, KNOWN_PATH + "/events", rw,
            "[{\"type\":\"note.added\"}]", JSON)),

        // authentication
        row("missingAuthorizationIs401", 401, () -> api.get(KNOWN_PATH, null)),
        row("missingAuthorizationOnWriteIs401", 401, () -> api.patch(KNOWN_PATH, null, statePatch(), null)),
        row("bearerGarbageIs401", 401, () -> api.get(KNOWN_PATH, "garbage")),
        row("bearerWithThreeGarbageSegmentsIs401", 401, () -> api.get(KNOWN_PATH, "abc.def.ghi")),
        row("basicSchemeIs401", 401, () -> withHeader(HttpMethod.GET, KNOWN_PATH, "Authorization",
            "Basic d3JpdGVyOnNlY3JldA==")),
        row("tokenSignedWithAnotherSecretIs401", 401, () -> api.get(KNOWN_PATH,
            forgeSigned(c -> { }, "another-secret-another-secret-another-secret!".getBytes(StandardCharsets.UTF_8)))),
        row("expiredTokenIsRejectedWith401", 401, () -> api.get(KNOWN_PATH, forge(c -> c
            .issueTime(secondsFromNow(-7200)).expirationTime(secondsFromNow(-3600))))),
        row("expiredTokenWriteIsRejectedWith401", 401, () -> api.patch(KNOWN_PATH, forge(c -> c
            .issueTime(secondsFromNow(-7200)).expirationTime(secondsFromNow(-3600))), statePatch(), null)),
        row("tokenNotValidBeforeFutureNbfIs401", 401, () -> api.get(KNOWN_PATH, forge(c -> c
            .notBeforeTime(secondsFromNow(3600))))),
        row("tokenFromWrongIssuerIs401", 401, () -> api.get(KNOWN_PATH, forge(c -> c.issuer("someone-else")))),
        row("tokenForWrongAudienceIs401", 401, () -> api.get(KNOWN_PATH, forge(c -> c.audience("other-api")))),
        row("unsignedAlgNoneTokenIs401", 401, () -> api.get(KNOWN_PATH, algNone())),
        row("hs256TokenLabelledRs256Is401", 401, () -> api.get(KNOWN_PATH, hmacUnderHeader("RS256"))),
        row("rs256TokenFromUnknownKeyIs401", 401, () -> api.get(KNOWN_PATH, rs256())),
        row("tokenWithColonInTenantIs401", 401, () -> api.get(KNOWN_PATH, forge(c -> c.claim("tenant", "a:b")))),
        row("tokenWithNumericTenantIs401", 401, () -> api.get(KNOWN_PATH, forge(c -> c.claim("tenant", 7)))),
        row("tokenWithoutExpIs401", 401, () -> api.get(KNOWN_PATH, forge(c -> c.expirationTime(null)))),
        row("tokenWithoutSubIs401", 401, () -> api.get(KNOWN_PATH, forge(c -> c.subject(null)))),
        // BUG(main): a well-signed token whose exp/nbf/iat/aud has the wrong JSON type answers 500 today:
        // JWTAuthProviderImpl.authenticate throws ClassCastException synchronously, outside the future that
        // AuthHandler maps to 401.
        row("tokenWithStringExpIs401", 401, () -> api.get(KNOWN_PATH, forgePayload(p -> p.put("exp", "tomorrow")))),
        row("tokenWithStringNbfIs401", 401, () -> api.get(KNOWN_PATH, forgePayload(p -> p.put("nbf", "now")))),
        row("tokenWithStringIatIs401", 401, () -> api.get(KNOWN_PATH, forgePayload(p -> p.put("iat", "today")))),
        row("tokenWithNumericAudienceIs401", 401, () -> api.get(KNOWN_PATH, forgePayload(p -> p.put("aud", 5)))),
        row("tokenWithObjectAudienceIs401", 401, () -> api.get(KNOWN_PATH,
            forgePayload(p -> p.put("aud", new JsonObject())))),

        // authorization
        row("readOnlyTokenPatchIs403", 403, () -> api.patch(KNOWN_PATH, reader, statePatch(), null)),
        row("readOnlyTokenDeleteIs403", 403, () -> api.delete(KNOWN_PATH, reader)),
        row("readOnlyTokenCreateIs403", 403, () -> api.post(WF, reader, new JsonObject().put("id", "wf-ro"))),
        row("readOnlyTokenPublishIs403", 403, () -> publishAs(reader, event("note.added"))),
        row("tokenWithoutScopesReadIs403", 403, () -> api.get(KNOWN_PATH, noScopes)),

        // not found, and other tenants' workflows are indistinguishable from missing ones
        row("unknownWorkflowGetIs404", 404, () -> api.get(WF + "/no-such-wf", rw)),
        row("unknownWorkflowPatchIs404", 404, () -> api.patch(WF + "/no-such-wf", rw, statePatch(), null)),
        row("unknownWorkflowHistoryIs404", 404, () -> api.get(WF + "/no-such-wf/events", rw)),
        row("otherTenantsWorkflowGetIs404", 404, () -> api.get(KNOWN_PATH, otherTenant)),
        row("otherTenantsWorkflowPatchIs404", 404, () -> api.patch(KNOWN_PATH, otherTenant, statePatch(), null)),
        row("otherTenantsWorkflowDeleteIs404", 404, () -> api.delete(KNOWN_PATH, otherTenant)),
        row("otherTenantsWorkflowHistoryIs404", 404, () -> api.get(KNOWN_PATH + "/events", otherTenant)),
        row("otherTenantsWorkflowPublishIs404", 404, () -> publishAs(otherTenant, event("note.added"))),
        row("unknownApiPathIs404", 404, () -> api.get("/api/v1/nothing-here", rw)),

        // A method the resource does not have. 405 (with Allow) is the precise answer; the server now answers
        // 404 because its catch-all "/api/*" route fails every unmatched /api request with 404. Either is a
        // client error; a 5xx or a body that is not problem details fails the row.
        row("putOnKnownWorkflowIsClientError", Set.of(404, 405), () -> raw(HttpMethod.PUT, KNOWN_PATH, rw,
            "{\"state\":{\"step\":3}}", JSON)),
        row("deleteOnCollectionIsClientError", Set.of(404, 405), () -> api.delete(WF, rw)),
        row("putOnEventsIsClientError", Set.of(404, 405), () -> raw(HttpMethod.PUT,
            KNOWN_PATH + "/events", rw, "{\"type\":\"note.added\"}", JSON)));
  }

  private static Row row(String name, int status, Supplier<HttpResponse<Buffer>> request) {
    return new Row(name, Set.of(status), request);
  }

  private static Row row(String name, Set<Integer> statuses, Supplier<HttpResponse<Buffer>> request) {
    return new Row(name, statuses, request);
  }

  // --- requests

  private static HttpResponse<Buffer> create(String body) {
    return raw(HttpMethod.POST, WF, rw, body, JSON);
  }

  private static HttpResponse<Buffer> patch(String body) {
    return raw(HttpMethod.PATCH, KNOWN_PATH, rw, body, MERGE);
  }

  private static HttpResponse<Buffer> publish(JsonObject event) {
    return publishAs(rw, event);
  }

  private static HttpResponse<Buffer> publishAs(String token, JsonObject event) {
    return api.post(KNOWN_PATH + "/events", token, event);
  }

  private static HttpResponse<Buffer> raw(HttpMethod method, String path, String token, String body,
      String contentType) {
    return api.send(method, path, token, body == null ? null : Buffer.buffer(body), contentType);
  }

  private static HttpResponse<Buffer> withHeader(HttpMethod method, String path, String name, String value) {
    return api.send(method, path, null, null, null, MultiMap.caseInsensitiveMultiMap().add(name, value));
  }

  private static JsonObject statePatch() {
    return new JsonObject().put("state", new JsonObject().put("step", 3));
  }

  private static JsonObject event(String type) {
    return new JsonObject().put("type", type).put("data", new JsonObject().put("x", 1));
  }

  private static JsonObject readKnown() {
    HttpResponse<Buffer> response = api.get(KNOWN_PATH, rw);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject();
  }

  private static JsonArray readHistory() {
    HttpResponse<Buffer> response = api.get(KNOWN_PATH + "/events", rw);
    assertThat(response.statusCode()).as(response.bodyAsString()).isEqualTo(200);
    return response.bodyAsJsonObject().getJsonArray("events");
  }

  // --- tokens minted with nimbus-jose-jwt, independent of the server's JOSE code

  private static byte[] secret() {
    return server.config().jwtSecret().getBytes(StandardCharsets.UTF_8);
  }

  private static Date secondsFromNow(long seconds) {
    return new Date(System.currentTimeMillis() + seconds * 1000);
  }

  /** Claims of a valid read-write token of the known tenant, then {@code tweak}. */
  private static JWTClaimsSet claims(Consumer<JWTClaimsSet.Builder> tweak) {
    JWTClaimsSet.Builder builder = new JWTClaimsSet.Builder()
        .subject("forger")
        .issuer(server.config().jwtIssuer())
        .audience(server.config().jwtAudience())
        .issueTime(secondsFromNow(0))
        .expirationTime(secondsFromNow(3600))
        .claim("tenant", TENANT)
        .claim("scope", TestServer.RW);
    tweak.accept(builder);
    return builder.build();
  }

  private static String forge(Consumer<JWTClaimsSet.Builder> tweak) {
    return forgeSigned(tweak, secret());
  }

  private static String forgeSigned(Consumer<JWTClaimsSet.Builder> tweak, byte[] key) {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
          claims(tweak));
      jwt.sign(new MACSigner(key));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A correctly signed HS256 token whose payload is the valid claims edited as raw JSON, for claims of the
   * wrong JSON type (nimbus' claims builder would drop or refuse them).
   */
  private static String forgePayload(Consumer<JsonObject> tweak) {
    JsonObject payload = new JsonObject(claims(c -> { }).toString());
    tweak.accept(payload);
    try {
      JWSObject jws = new JWSObject(new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(),
          new Payload(payload.encode()));
      jws.sign(new MACSigner(secret()));
      return jws.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String algNone() {
    return new PlainJWT(claims(c -> { })).serialize();
  }

  /** Algorithm confusion: a valid HMAC-SHA256 signature with the real secret under a header naming {@code alg}. */
  private static String hmacUnderHeader(String alg) {
    String header = Base64URL.encode("{\"alg\":\"" + alg + "\",\"typ\":\"JWT\"}").toString();
    String payload = Base64URL.encode(claims(c -> { }).toString()).toString();
    String signingInput = header + "." + payload;
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret(), "HmacSHA256"));
      return signingInput + "." + Base64URL.encode(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String rs256() {
    try {
      SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT).build(),
          claims(c -> { }));
      jwt.sign(new RSASSASigner(new RSAKeyGenerator(2048).generate()));
      return jwt.serialize();
    } catch (JOSEException e) {
      throw new IllegalStateException(e);
    }
  }
}
