package io.flowcast.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;

import java.util.concurrent.TimeUnit;

/**
 * Accounts (password grant) and service clients (client credentials): from PostgreSQL when it is
 * configured (only there: the development ones of config do not apply then), else from config.
 * Hashes are compared on a worker thread.
 */
final class Accounts {
  private static final String ACCOUNT = "SELECT username, password_bcrypt, tenant, scope FROM auth_accounts "
      + "WHERE username = $1 AND disabled_at IS NULL";
  private static final String CLIENT = "SELECT client_id, secret_bcrypt, tenant, scope FROM auth_clients "
      + "WHERE client_id = $1 AND disabled_at IS NULL";

  private final Vertx vertx;
  private final JsonArray configAccounts;
  private final JsonArray configClients;
  private final Pool pg;
  private final long timeoutMs;

  Accounts(Vertx vertx, JsonArray configAccounts, JsonArray configClients, Pool pg, long timeoutMs) {
    this.vertx = vertx;
    this.configAccounts = configAccounts;
    this.configClients = configClients;
    this.pg = pg;
    this.timeoutMs = timeoutMs;
  }

  /** The account for a username and password, or null when they do not match. */
  Future<Principal> password(String username, String password) {
    return find(ACCOUNT, configAccounts, "username", username, "password_bcrypt")
        .compose(found -> verify(found, password, "password_bcrypt")
            .map(ok -> ok ? new Principal(found.getString("username"), found.getString("tenant"),
                found.getString("scope"), null) : null));
  }

  /** The service client for an id and secret, or null when they do not match. */
  Future<Principal> client(String clientId, String secret) {
    return find(CLIENT, configClients, "client_id", clientId, "secret_bcrypt")
        .compose(found -> verify(found, secret, "secret_bcrypt")
            .map(ok -> ok ? new Principal("client:" + found.getString("client_id"), found.getString("tenant"),
                found.getString("scope"), found.getString("client_id")) : null));
  }

  /**
   * Where accounts come from and how many there are, for the start-up log and {@code /ready}: e.g.
   * {@code postgresql: 2 accounts, 0 clients}.
   */
  Future<Source> source() {
    if (pg == null) {
      return Future.succeededFuture(new Source("config", configAccounts.size(), configClients.size()));
    }
    return pg.query("SELECT (SELECT count(*) FROM auth_accounts WHERE disabled_at IS NULL), "
        + "(SELECT count(*) FROM auth_clients WHERE disabled_at IS NULL)").execute()
        .timeout(timeoutMs, TimeUnit.MILLISECONDS)
        .map(rows -> {
          Row row = rows.iterator().next();
          return new Source("postgresql", row.getLong(0).intValue(), row.getLong(1).intValue());
        });
  }

  /** An account source and its size. */
  record Source(String name, int accounts, int clients) {
    boolean empty() {
      return accounts == 0 && clients == 0;
    }

    @Override
    public String toString() {
      return name + ": " + accounts + " account" + (accounts == 1 ? "" : "s") + ", " + clients + " client"
          + (clients == 1 ? "" : "s");
    }
  }

  /** Whether the account or client behind a session may still get tokens (it exists and is not disabled). */
  Future<Boolean> active(Session session) {
    return session.clientId() != null
        ? find(CLIENT, configClients, "client_id", session.clientId(), "secret_bcrypt").map(found -> found != null)
        : find(ACCOUNT, configAccounts, "username", session.subject(), "password_bcrypt").map(found -> found != null);
  }

  private Future<JsonObject> find(String sql, JsonArray fromConfig, String idField, String id, String hashField) {
    if (pg != null) {
      return pg.preparedQuery(sql).execute(Tuple.of(id)).timeout(timeoutMs, TimeUnit.MILLISECONDS).map(rows -> {
        if (rows.size() == 0) {
          return null;
        }
        Row row = rows.iterator().next();
        return new JsonObject().put(idField, row.getString(0)).put(hashField, row.getString(1))
            .put("tenant", row.getString(2)).put("scope", row.getString(3));
      });
    }
    return Future.succeededFuture(configEntry(fromConfig, idField, id));
  }

  private static JsonObject configEntry(JsonArray entries, String idField, String id) {
    for (Object entry : entries) {
      if (entry instanceof JsonObject o && id != null && id.equals(o.getString(idField))) {
        return o;
      }
    }
    return null;
  }

  /** bcrypt is deliberately slow: never on the event loop. An unknown name costs the same time. */
  private Future<Boolean> verify(JsonObject found, String secret, String hashField) {
    String hash = found == null ? null : found.getString(hashField);
    return vertx.executeBlocking(() -> Passwords.matches(hash, secret), false);
  }
}
