package io.flowcast.bridge;

import io.flowcast.auth.Caller;
import io.flowcast.bus.Addresses;
import io.flowcast.bus.ApiException;
import io.flowcast.workflow.Ids;
import io.vertx.core.json.JsonObject;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The addresses a bridge client may {@code send} to, and how its message becomes the command the workflow
 * verticle answers (docs/EVENTBUS.md, "The bridge"). The message is the command's body without
 * {@code tenant}, {@code actor} and {@code request_id}: those come from the token and the frame, never
 * from the client's JSON. Each field is checked here as the HTTP edge checks its path and query (ids,
 * types); bodies are checked in full by the command itself.
 */
final class BridgeRoutes {
  /** A field of a command message. */
  enum Field {
    ID("id", Kind.ID, true), SECTION("section", Kind.ID, true), ACTION_ID("action_id", Kind.ID, true),
    INTERRUPT_ID("interrupt_id", Kind.ID, true),
    BODY("body", Kind.OBJECT, true), OPTIONAL_BODY("body", Kind.OBJECT, false),
    PATCH("patch", Kind.OBJECT, true), EVENT("event", Kind.OBJECT, true),
    IF_MATCH("if_match", Kind.VERSION, false), AFTER("after", Kind.STRING, false),
    LIMIT("limit", Kind.COUNT, false), STATUS("status", Kind.STRING, false), CURSOR("cursor", Kind.STRING, false),
    AT_VERSION("version", Kind.VERSION, true), FROM("from", Kind.VERSION, true), TO("to", Kind.VERSION, true),
    OUTPUT_NAME("name", Kind.ID, true);

    final String name;
    final Kind kind;
    final boolean required;

    Field(String name, Kind kind, boolean required) {
      this.name = name;
      this.kind = kind;
      this.required = required;
    }
  }

  enum Kind { ID, OBJECT, STRING, VERSION, COUNT }

  /** Commands on one workflow that create another: refused, like a create, to a token limited to some. */
  private static final Set<String> CREATES = Set.of(Addresses.WORKFLOW_FORK);

  /** Read-scope commands made in the caller's name: presence is part of watching (docs/API.md, "Presence"). */
  private static final Set<String> ACTED = Set.of(Addresses.PRESENCE_SET, Addresses.PRESENCE_LEAVE);

  /**
   * One reachable address: whether it changes a workflow (its command then carries the actor), the scope it
   * needs and the fields its message may carry.
   */
  record Route(String address, boolean write, String scope, Set<Field> fields) {

    /**
     * The command for {@code message} sent by {@code caller}: its fields checked, the tenant (and, for a
     * change, the actor and request id) added. Fails with 400 for a bad or unknown field and with 403 for
     * a message that names another tenant or actor than the token's.
     */
    JsonObject command(JsonObject message, Caller caller, String requestId) {
      JsonObject command = new JsonObject().put("tenant", caller.tenant());
      for (String name : message.fieldNames()) {
        Object value = message.getValue(name);
        if (value == null) {
          continue; // null is absent, as in a JSON merge of optional fields
        }
        if (name.equals("tenant")) {
          if (!caller.tenant().equals(value)) {
            throw new ApiException(403, "the tenant comes from the token ('" + caller.tenant()
                + "'); a message may not name another");
          }
        } else if (name.equals("actor") && write) {
          if (!caller.subject().equals(value)) {
            throw new ApiException(403, "the actor comes from the token; a message may not name another");
          }
        } else {
          Field field = fields.stream().filter(f -> f.name.equals(name)).findFirst().orElseThrow(() ->
              ApiException.badRequest("unknown field '" + name + "' for " + address + "; expected "
                  + fields.stream().map(f -> f.name).distinct().sorted().collect(Collectors.joining(", "))));
          command.put(name, checked(field, value));
        }
      }
      for (Field field : fields) {
        if (!command.containsKey(field.name)) {
          if (field.required) {
            throw ApiException.badRequest("'" + field.name + "' is required for " + address);
          }
          if (field == Field.OPTIONAL_BODY) {
            command.put("body", new JsonObject());
          }
        }
      }
      if (command.containsKey("id")) {
        caller.requireWorkflow(command.getString("id"));
        if (CREATES.contains(address)) {
          caller.requireAllWorkflows(); // a fork creates a workflow
        }
      } else {
        caller.requireAllWorkflows(); // create and list
      }
      if (write || ACTED.contains(address)) {
        command.put("actor", caller.subject()).put("request_id", requestId);
      }
      return command;
    }
  }

  private static Object checked(Field field, Object value) {
    String name = field.name;
    return switch (field.kind) {
      case ID -> {
        if (!(value instanceof String s) || !Ids.valid(s)) {
          throw ApiException.badRequest("'" + name + "' must be " + Ids.rule());
        }
        yield s;
      }
      case OBJECT -> {
        if (!(value instanceof JsonObject o)) {
          throw ApiException.badRequest("'" + name + "' must be a JSON object");
        }
        yield o;
      }
      case STRING -> {
        if (!(value instanceof String s) || s.length() > 1024) {
          throw ApiException.badRequest("'" + name + "' must be a string of at most 1024 characters");
        }
        yield s;
      }
      case VERSION, COUNT -> {
        long min = field.kind == Kind.VERSION ? 0 : 1;
        if (!(value instanceof Number n) || n.doubleValue() != n.longValue() || n.longValue() < min
            || (field.kind == Kind.COUNT && n.longValue() > Integer.MAX_VALUE)) {
          throw ApiException.badRequest("'" + name + "' must be an integer of at least " + min);
        }
        yield field.kind == Kind.COUNT ? (Object) n.intValue() : (Object) n.longValue();
      }
    };
  }

  private static final Map<String, Route> ROUTES = Stream.of(
      route(Addresses.WORKFLOW_CREATE, true, Field.OPTIONAL_BODY),
      route(Addresses.WORKFLOW_GET, false, Field.ID),
      route(Addresses.WORKFLOW_LIST, false, Field.STATUS, Field.LIMIT, Field.CURSOR),
      route(Addresses.WORKFLOW_PATCH, true, Field.ID, Field.PATCH, Field.IF_MATCH),
      route(Addresses.WORKFLOW_DELETE, true, Field.ID),
      route(Addresses.WORKFLOW_REOPEN, true, Field.ID, Field.OPTIONAL_BODY, Field.IF_MATCH),
      route(Addresses.WORKFLOW_CANCEL, true, Field.ID, Field.OPTIONAL_BODY, Field.IF_MATCH),
      route(Addresses.WORKFLOW_AT, false, Field.ID, Field.AT_VERSION),
      route(Addresses.WORKFLOW_DIFF, false, Field.ID, Field.FROM, Field.TO),
      route(Addresses.WORKFLOW_FORK, true, Field.ID, Field.BODY),
      route(Addresses.EVENT_APPEND, true, Field.ID, Field.EVENT),
      route(Addresses.EVENTS_READ, false, Field.ID, Field.AFTER, Field.LIMIT),
      route(Addresses.DRAFT_LIST, false, Field.ID),
      route(Addresses.DRAFT_GET, false, Field.ID, Field.SECTION),
      route(Addresses.DRAFT_PUT, true, Field.ID, Field.SECTION, Field.BODY),
      route(Addresses.DRAFT_UNDO, true, Field.ID, Field.SECTION),
      route(Addresses.DRAFT_COMMIT, true, Field.ID, Field.SECTION),
      route(Addresses.DRAFT_DISCARD, true, Field.ID, Field.SECTION),
      route(Addresses.SNAPSHOT_CREATE, true, Field.ID, Field.BODY),
      route(Addresses.SNAPSHOT_LIST, false, Field.ID),
      route(Addresses.ROLLBACK, true, Field.ID, Field.BODY, Field.IF_MATCH),
      route(Addresses.ACTION_ENQUEUE, true, Field.ID, Field.BODY),
      route(Addresses.ACTION_CLAIM, true, Field.ID, Field.BODY),
      route(Addresses.ACTION_COMPLETE, true, Field.ID, Field.ACTION_ID, Field.OPTIONAL_BODY),
      route(Addresses.ACTION_FAIL, true, Field.ID, Field.ACTION_ID, Field.OPTIONAL_BODY),
      route(Addresses.ACTION_HEARTBEAT, true, Field.ID, Field.ACTION_ID, Field.BODY),
      route(Addresses.ACTION_GET, false, Field.ID, Field.ACTION_ID),
      route(Addresses.ACTION_LIST, false, Field.ID, Field.STATUS, Field.CURSOR, Field.LIMIT),
      route(Addresses.OUTPUT_APPEND, true, Field.ID, Field.OUTPUT_NAME, Field.BODY),
      route(Addresses.OUTPUT_CLOSE, true, Field.ID, Field.OUTPUT_NAME, Field.OPTIONAL_BODY),
      route(Addresses.OUTPUT_GET, false, Field.ID, Field.OUTPUT_NAME),
      route(Addresses.INTERRUPT_RAISE, true, Field.ID, Field.BODY),
      new Route(Addresses.INTERRUPT_RESOLVE, true, Caller.ANSWER,
          Set.of(Field.ID, Field.INTERRUPT_ID, Field.BODY)),
      route(Addresses.INTERRUPT_GET, false, Field.ID, Field.INTERRUPT_ID),
      route(Addresses.INTERRUPT_LIST, false, Field.ID, Field.STATUS),
      route(Addresses.PRESENCE_SET, false, Field.ID, Field.OPTIONAL_BODY),
      route(Addresses.PRESENCE_LEAVE, false, Field.ID),
      route(Addresses.PRESENCE_LIST, false, Field.ID))
      .collect(Collectors.toUnmodifiableMap(Route::address, Function.identity()));

  private BridgeRoutes() {
  }

  private static Route route(String address, boolean write, Field first, Field... rest) {
    return new Route(address, write, write ? Caller.WRITE : Caller.READ, Set.copyOf(EnumSet.of(first, rest)));
  }

  /** The route of {@code address}, or null when a client may not send there. */
  static Route of(String address) {
    return ROUTES.get(address);
  }

  /** Every address a client may send to (for the docs' test). */
  static Set<String> addresses() {
    return ROUTES.keySet();
  }
}
