package io.flowcast.health;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * What {@code /ready} reports, shared by the verticles of one instance (they run on different event
 * loops, hence the concurrent maps). The instance is ready when every check is up.
 */
public final class Readiness {
  private final Map<String, Object> facts = new ConcurrentSkipListMap<>();
  private final Map<String, Check> checks = new ConcurrentSkipListMap<>();
  private final Map<String, String> degraded = new ConcurrentHashMap<>();
  private volatile boolean draining;

  private record Check(boolean up, String detail) {
  }

  /** A fact shown as is, e.g. the backend in use. */
  public Readiness fact(String name, Object value) {
    facts.put(name, value);
    return this;
  }

  public void up(String check, String detail) {
    checks.put(check, new Check(true, detail));
  }

  public void down(String check, String detail) {
    checks.put(check, new Check(false, detail));
  }

  /** A condition that does not stop the instance from serving but that operators should know about. */
  public void degraded(String key, String description) {
    degraded.put(key, description);
  }

  public void recovered(String key) {
    degraded.remove(key);
  }

  /** The instance is shutting down: not ready from now on, whatever the checks say. */
  public void drain() {
    draining = true;
  }

  public boolean draining() {
    return draining;
  }

  /** Whether every check but {@code check} is up (what a step that makes the instance ready waits for). */
  public boolean upExcept(String check) {
    return checks.entrySet().stream().allMatch(e -> e.getKey().equals(check) || e.getValue().up());
  }

  public boolean ready() {
    return !draining && checks.values().stream().allMatch(Check::up);
  }

  public JsonObject toJson() {
    JsonObject json = new JsonObject().put("ready", ready());
    if (draining) {
      json.put("draining", true);
    }
    facts.forEach(json::put);
    JsonObject checkJson = new JsonObject();
    checks.forEach((name, check) -> checkJson.put(name,
        new JsonObject().put("status", check.up() ? "up" : "down").put("detail", check.detail())));
    json.put("checks", checkJson);
    json.put("degraded", new JsonArray(degraded.values().stream().sorted().toList()));
    return json;
  }
}
