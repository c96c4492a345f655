package io.flowcast.auth;

import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.bus.Commands;
import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.sqlclient.Pool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Function;
import java.util.function.BiConsumer;

/**
 * The token service: the grants of {@code POST /api/v1/auth/token} (password, client_credentials,
 * refresh_token) and revocation ({@code POST /api/v1/auth/revoke}, RFC 7009). Refresh tokens rotate on
 * every use; presenting a rotated one revokes its session everywhere.
 */
public final class AuthVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(AuthVerticle.class);

  static final String TOKEN_EXCHANGE = "urn:ietf:params:oauth:grant-type:token-exchange";
  static final String ACCESS_TOKEN_TYPE = "urn:ietf:params:oauth:token-type:access_token";

  private final FlowcastConfig config;
  private final RefreshTokens refreshTokens;
  private final Pool pg;
  private Accounts accounts;
  private AccessTokens accessTokens;
  private JWTAuth jwt;
  private TokenAuthenticator tokens;

  /** @param pg accounts and clients in PostgreSQL, or null to use only those of config */
  private final RevokedSessions revokedSessions;
  private final BiConsumer<String, Object> facts;

  /**
   * @param revokedSessions the sessions this instance's HTTP verticles refuse: a revocation here joins it at once
   * @param facts where {@code /ready} learns the account source ({@code accounts})
   */
  public AuthVerticle(FlowcastConfig config, RefreshTokens refreshTokens, Pool pg, RevokedSessions revokedSessions,
      BiConsumer<String, Object> facts) {
    this.revokedSessions = revokedSessions;
    this.facts = facts;
    this.config = config;
    this.refreshTokens = refreshTokens;
    this.pg = pg;
  }

  @Override
  public Future<?> start() {
    jwt = JwtSupport.provider(vertx, config);
    accessTokens = new AccessTokens(jwt, config);
    tokens = new TokenAuthenticator(jwt, revokedSessions, null);
    accounts = new Accounts(vertx, config.accounts(), config.clients(), pg, config.pgTimeoutMs());
    handle(Addresses.AUTH_TOKEN, this::token);
    handle(Addresses.AUTH_REVOKE, this::revoke);
    reportAccountSource();
    return Future.succeededFuture();
  }

  /**
   * Says where accounts come from, so that an empty source is not a silent surprise: with
   * {@code pg.url} set only PostgreSQL's accounts count, not the development ones of config.
   */
  private void reportAccountSource() {
    accounts.source().onSuccess(source -> {
      facts.accept("accounts", source.toString());
      if (!source.empty()) {
        log.info("accounts and clients from {}", source);
      } else if (pg != null) {
        log.warn("no accounts or clients in PostgreSQL (auth_accounts, auth_clients): the token endpoint grants "
            + "nothing; with pg.url set the accounts of auth.accounts/auth.clients ({} and {}) do not apply "
            + "(docs/AUTH.md)", config.accounts().size(), config.clients().size());
      } else {
        log.warn("no accounts or clients configured (auth.accounts, auth.clients): the token endpoint grants nothing");
      }
    }).onFailure(err -> {
      facts.accept("accounts", "postgresql: not readable yet");
      vertx.setTimer(5_000, id -> reportAccountSource()); // PostgreSQL not there (yet): try again
    });
  }

  private Future<JsonObject> token(JsonObject request) {
    String grant = request.getString("grant_type");
    if (grant == null || grant.isBlank()) {
      throw OAuthException.of("invalid_request", "grant_type is required");
    }
    return switch (grant) {
      case "password" -> {
        String username = required(request, "username");
        String password = required(request, "password");
        yield accounts.password(username, password).compose(principal -> principal == null
            ? Future.failedFuture(OAuthException.of("invalid_grant", "wrong username or password"))
            : login(principal, request.getString("scope"), true));
      }
      case "client_credentials" -> {
        String clientId = required(request, "client_id");
        String secret = required(request, "client_secret");
        yield accounts.client(clientId, secret).compose(principal -> principal == null
            ? Future.failedFuture(OAuthException.of("invalid_client", "client authentication failed"))
            : login(principal, request.getString("scope"), false));
      }
      case "refresh_token" -> refresh(required(request, "refresh_token"));
      case TOKEN_EXCHANGE -> exchange(request);
      default -> throw OAuthException.of("unsupported_grant_type", "supported: password, client_credentials, "
          + "refresh_token, " + TOKEN_EXCHANGE);
    };
  }

  /**
   * RFC 8693 token exchange: an access token of this server ({@code subject_token}) for a short-lived one
   * of the same session, limited to one workflow or an id prefix ({@code workflow}: {@code ticket-42} or
   * {@code ticket-*}) and to {@code workflows:read}, {@code workflows:write} and/or {@code interrupts:answer}
   * ({@code scope}, default read), for a browser page that must see one ticket and nothing else of the tenant. It lives
   * {@code auth.exchange_ttl_seconds}, never beyond the subject token, and ends with its session.
   */
  private Future<JsonObject> exchange(JsonObject request) {
    String subjectToken = required(request, "subject_token");
    if (!ACCESS_TOKEN_TYPE.equals(request.getString("subject_token_type"))) {
      throw OAuthException.of("invalid_request", "subject_token_type must be " + ACCESS_TOKEN_TYPE);
    }
    String limit = required(request, "workflow");
    if (!Caller.validLimit(limit)) {
      throw OAuthException.of("invalid_request", "workflow must be a workflow id, or an id prefix followed by '*'");
    }
    String requested = request.getString("scope");
    Set<String> scopes = new HashSet<>(Arrays.asList((requested == null || requested.isBlank() ? Caller.READ
        : requested).trim().split("\\s+")));
    if (!Set.of(Caller.READ, Caller.WRITE, Caller.ANSWER).containsAll(scopes)) {
      throw OAuthException.of("invalid_scope", "an exchanged token may carry workflows:read, workflows:write and "
          + Caller.ANSWER + " only");
    }
    return tokens.authenticate(subjectToken)
        .recover(err -> Future.failedFuture(OAuthException.of("invalid_request", "the subject_token is not valid: "
            + err.getMessage())))
        .compose(subject -> {
          scopes.forEach(scope -> {
            if (!subject.may(scope)) {
              throw OAuthException.of("invalid_scope", "the subject_token lacks " + scope);
            }
          });
          if (subject.workflows() != null && !(subject.workflows().endsWith("*")
              ? limit.startsWith(subject.workflows().substring(0, subject.workflows().length() - 1))
              : subject.workflows().equals(limit))) {
            throw OAuthException.of("invalid_scope", "the subject_token is limited to '" + subject.workflows()
                + "'; it cannot grant '" + limit + "'");
          }
          long ttl = Math.min(config.exchangeTtlSeconds(),
              subject.expiresAtEpochSecond() - System.currentTimeMillis() / 1000);
          if (ttl <= 0) {
            throw OAuthException.of("invalid_grant", "the subject_token has expired");
          }
          String scope = String.join(" ", scopes.stream().sorted().toList());
          Session session = new Session(subject.sessionId(), subject.subject(), subject.tenant(), scope, null);
          return Future.succeededFuture(new JsonObject()
              .put("access_token", accessTokens.mint(session, ttl, limit))
              .put("issued_token_type", ACCESS_TOKEN_TYPE)
              .put("token_type", "Bearer")
              .put("expires_in", ttl)
              .put("scope", scope));
        });
  }

  /** A new session; client credentials get no refresh token (RFC 6749, section 4.4.3). */
  private Future<JsonObject> login(Principal principal, String requestedScope, boolean withRefresh) {
    String scope = narrow(principal.scope(), requestedScope);
    Session session = new Session(RefreshTokens.random(16), principal.subject(), principal.tenant(), scope,
        principal.clientId());
    Future<String> refresh = withRefresh ? refreshTokens.start(session, config.refreshTtlSeconds())
        : Future.succeededFuture(null);
    return refresh.map(token -> answer(session, token));
  }

  private Future<JsonObject> refresh(String token) {
    return refreshTokens.rotate(token, config.refreshTtlSeconds()).compose(rotation -> switch (rotation.kind()) {
      case OK -> accounts.active(rotation.session()).compose(active -> active
          ? Future.succeededFuture(answer(rotation.session(), rotation.next()))
          : revokeSession(rotation.session().sid()).compose(v -> Future.failedFuture(OAuthException.of(
              "invalid_grant", "the account is disabled or gone; the session is revoked"))));
      case REUSED -> {
        log.warn("refresh token reuse in session {} of {}: revoking the session", rotation.session().sid(),
            rotation.session().subject());
        yield revokeSession(rotation.session().sid()).compose(v -> Future.failedFuture(OAuthException.of(
            "invalid_grant", "this refresh token was already used; the session is revoked")));
      }
      default -> Future.failedFuture(OAuthException.of("invalid_grant", "the refresh token is not valid"));
    });
  }

  /**
   * RFC 7009: revokes a refresh token (its whole session) or an access token (its session). Unknown
   * tokens are not an error.
   */
  private Future<JsonObject> revoke(JsonObject request) {
    String token = required(request, "token");
    if (token.chars().filter(c -> c == '.').count() == 2) {
      return jwt.authenticate(new TokenCredentials(token))
          .compose(user -> {
            String sid = user.attributes().getJsonObject("accessToken", user.principal()).getString("sid");
            return sid == null ? Future.<Void>succeededFuture() : revokeSession(sid);
          })
          .recover(err -> err instanceof ApiException ? Future.failedFuture(err) : Future.succeededFuture())
          .map(new JsonObject());
    }
    return refreshTokens.revoke(token)
        .compose(session -> session == null ? Future.<Void>succeededFuture() : revokeSession(session.sid()))
        .map(new JsonObject());
  }

  /** Access tokens live at most access_ttl_seconds: the revocation is kept that long (plus leeway). */
  private Future<Void> revokeSession(String sid) {
    long until = System.currentTimeMillis() / 1000 + config.accessTtlSeconds() + config.jwtLeewaySeconds();
    // this instance refuses the session before the answer goes out; the store announces it to the others
    // (and its open streams end: the HTTP verticles hear it on the bus)
    return refreshTokens.revokeSession(sid, until).onSuccess(v -> {
      revokedSessions.add(sid, until);
      vertx.eventBus().publish(Addresses.SESSION_REVOKED, new JsonObject().put("sid", sid).put("until", until));
    });
  }

  private JsonObject answer(Session session, String refreshToken) {
    JsonObject answer = new JsonObject()
        .put("access_token", accessTokens.mint(session))
        .put("token_type", "Bearer")
        .put("expires_in", config.accessTtlSeconds())
        .put("scope", session.scope());
    if (refreshToken != null) {
      answer.put("refresh_token", refreshToken);
    }
    return answer;
  }

  /** The requested scope must be within what the account may do; none requested means all of it. */
  private static String narrow(String granted, String requested) {
    if (requested == null || requested.isBlank()) {
      return granted;
    }
    Set<String> allowed = new HashSet<>(Arrays.asList(granted.trim().split("\\s+")));
    Set<String> asked = new HashSet<>(Arrays.asList(requested.trim().split("\\s+")));
    if (!allowed.containsAll(asked)) {
      throw OAuthException.of("invalid_scope", "the requested scope exceeds what this account may do");
    }
    return String.join(" ", asked.stream().sorted().toList());
  }

  private static String required(JsonObject request, String field) {
    Object value = request.getValue(field);
    if (!(value instanceof String s) || s.isEmpty()) {
      throw OAuthException.of("invalid_request", field + " is required");
    }
    if (s.length() > 4096) {
      throw OAuthException.of("invalid_request", field + " is too long");
    }
    return s;
  }

  private void handle(String address, Function<JsonObject, Future<JsonObject>> handler) {
    Commands.serve(vertx, address, log, handler);
  }
}
