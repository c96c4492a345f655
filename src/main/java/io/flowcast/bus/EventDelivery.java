package io.flowcast.bus;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
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
  /** The codec of the local event bus; registered with {@link #register}. */
  public static final DeliveryOptions LOCAL = new DeliveryOptions().setCodecName(Codec.NAME);

  /** Registers the local codec on a Vert.x instance (once; later calls do nothing). */
  public static void register(io.vertx.core.Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(new Codec());
    } catch (IllegalStateException alreadyRegistered) {
      // a second Flowcast deployed in the same Vert.x (tests) shares the codec
    }
  }

  public static EventDelivery of(String workflow, JsonObject event) {
    return new EventDelivery(workflow, event.getString("id"), event.getLong("seq"), event.getString("type"),
        event.encode());
  }

  /** Passes the record itself between verticles of one JVM; it never leaves the JVM (SSE_DELIVER is local). */
  private static final class Codec implements MessageCodec<EventDelivery, EventDelivery> {
    static final String NAME = "flowcast.event-delivery";

    @Override
    public void encodeToWire(Buffer buffer, EventDelivery delivery) {
      throw new UnsupportedOperationException("event deliveries stay inside the JVM");
    }

    @Override
    public EventDelivery decodeFromWire(int pos, Buffer buffer) {
      throw new UnsupportedOperationException("event deliveries stay inside the JVM");
    }

    @Override
    public EventDelivery transform(EventDelivery delivery) {
      return delivery;
    }

    @Override
    public String name() {
      return NAME;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
