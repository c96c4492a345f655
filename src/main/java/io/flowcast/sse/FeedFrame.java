package io.flowcast.sse;

import io.flowcast.bus.FeedChange;
import io.vertx.core.buffer.Buffer;

/**
 * A tenant feed entry and its SSE frame in each format, encoded on first use and then shared by every
 * feed stream of the verticle that sends it (as a workflow stream shares an event's frame).
 */
final class FeedFrame {
  private static final FrameFormat[] FORMATS = FrameFormat.values();

  final FeedChange change;
  private final Buffer[] frames = new Buffer[FORMATS.length];

  FeedFrame(FeedChange change) {
    this.change = change;
  }

  /** The older of two entries of one workflow not yet written, followed by this newer one: see {@link FeedChange#then}. */
  FeedFrame after(FeedFrame older) {
    FeedChange merged = older.change.then(change);
    return merged == change ? this : new FeedFrame(merged);
  }

  Buffer frame(FrameFormat format) {
    Buffer frame = frames[format.ordinal()];
    if (frame == null) {
      frame = encode(format, change.type(), change.toJson().encode());
      frames[format.ordinal()] = frame;
    }
    return frame;
  }

  /** A frame of the feed: no id (the feed is a view), the type inside the data unless the event is named. */
  static Buffer encode(FrameFormat format, String type, String json) {
    return format.encode(null, null, type, format.typedData() ? SseFrames.typed(type, json) : json);
  }
}
