package io.flowcast.sse;

import io.vertx.core.buffer.Buffer;

import java.util.List;

/**
 * What carries {@link WorkflowFeed}s to a client: an {@link SseStream} (one HTTP response) or a
 * {@link BusSubscription} (one registration on an event-bus bridge connection). The feeds decide what
 * to send; the owner encodes it in its {@link FrameFormat}, writes it, and bounds what its client leaves
 * unread. The {@link StreamRegistry} keeps the owners of its event loop for heartbeats, revocations and
 * shutdown.
 */
abstract class FeedOwner extends ClientStream {
  abstract FrameFormat format();

  abstract List<WorkflowFeed> feeds();

  abstract boolean closed();

  /**
   * Writes an event of {@code feed}, whose position already counts it; {@code shared} is the frame the
   * registry encoded once in this owner's format, or null. {@code typed}: the JSON carries its type (an
   * event does; a snapshot, a reset do not). {@code live}: from the fan-out, not from the log.
   */
  abstract void event(WorkflowFeed feed, String type, String json, boolean typed, Buffer shared, boolean live);

  /** One event reached this owner's client (counted by the registry). */
  abstract void delivered();

  /** Whether a live event must come from the log instead (the queue is full while a feed replays). */
  abstract boolean defersLive();

  abstract boolean writeQueueFull();

  /** Runs {@code action} once the client has taken the queued bytes. */
  abstract void whenDrained(Runnable action);

  /** A feed's workflow is gone (deleted, expired). */
  abstract void feedEnded(WorkflowFeed feed);

  /** Writes live frames held for the registry's write slice (an owner that holds none does nothing). */
  abstract void writeHeld();

  /** Live frames waiting for the registry's next write slice, and whether {@code held} is a shared frame. */
  private Buffer held;
  private boolean heldShared;

  /**
   * Holds a live frame until the registry's write slice ({@link #writeHeld}): frames that arrive before it
   * go out in one write (one system call for several). {@code shared} frames are never appended to.
   */
  final void hold(Buffer frame, boolean shared, StreamRegistry registry) {
    if (held == null) {
      held = frame;
      heldShared = shared;
      registry.writeSoon(this);
      return;
    }
    if (heldShared) {
      held = Buffer.buffer(held.length() * 2 + frame.length()).appendBuffer(held);
      heldShared = false;
    }
    held.appendBuffer(frame);
  }

  /** The frames held so far, or null; nothing is held afterwards. */
  final Buffer takeHeld() {
    Buffer frames = held;
    held = null;
    return frames;
  }

  final boolean holding() {
    return held != null;
  }
}
