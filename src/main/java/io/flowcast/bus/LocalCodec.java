package io.flowcast.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;

/**
 * Passes an immutable record between verticles of one JVM as itself: no copy per receiver, no encoding.
 * Messages sent with it never leave the JVM (the addresses that carry them are local).
 */
final class LocalCodec<T> implements MessageCodec<T, T> {
  private final String name;

  private LocalCodec(String name) {
    this.name = name;
  }

  /**
   * Registers a codec named {@code name} on {@code vertx} (a second Flowcast deployed in the same Vert.x,
   * as in tests, shares it) and answers the delivery options that use it.
   */
  static DeliveryOptions register(Vertx vertx, String name) {
    try {
      vertx.eventBus().registerCodec(new LocalCodec<>(name));
    } catch (IllegalStateException alreadyRegistered) {
      // registered by an earlier deployment in this Vert.x
    }
    return options(name);
  }

  static DeliveryOptions options(String name) {
    return new DeliveryOptions().setCodecName(name);
  }

  @Override
  public void encodeToWire(Buffer buffer, T value) {
    throw new UnsupportedOperationException(name + " stays inside the JVM");
  }

  @Override
  public T decodeFromWire(int pos, Buffer buffer) {
    throw new UnsupportedOperationException(name + " stays inside the JVM");
  }

  @Override
  public T transform(T value) {
    return value;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
