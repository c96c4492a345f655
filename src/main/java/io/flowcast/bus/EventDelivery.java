package io.flowcast.bus;

import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;

/**
 * One committed event on its way to SSE streams ({@link Addresses#SSE_DELIVER}). The event is carried
 * already encoded, so it is serialized once per instance however many streams receive it; inside the JVM
 * it travels as itself ({@link #LOCAL}: immutable, so every HTTP verticle may share the one object).
 * The one place a stored event becomes a delivery is {@link #of} (the Redis transport reads the same
 * fields from the message its scripts publish).
 *
 * @param workflow the workflow's tag, {@code <tenant>:<id>}
 * @param json     the event, encoded as one line of JSON
 */
public record EventDelivery(String workflow, String id, long seq, String type, String json) {
  private static final String CODEC = "flowcast.event-delivery";
  /** The local codec ({@link LocalCodec}); registered with {@link #register}. */
  public static final DeliveryOptions LOCAL = LocalCodec.options(CODEC);

  /** Registers the local codec on a Vert.x instance (once; later calls do nothing). */
  public static void register(io.vertx.core.Vertx vertx) {
    LocalCodec.register(vertx, CODEC);
  }

  public static EventDelivery of(String workflow, JsonObject event) {
    return new EventDelivery(workflow, event.getString("id"), event.getLong("seq"), event.getString("type"),
        event.encode());
  }
}
