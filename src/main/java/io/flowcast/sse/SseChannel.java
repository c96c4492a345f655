package io.flowcast.sse;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.VoidChannelPromise;
import io.netty.handler.codec.http.HttpContentCompressor;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.net.impl.ConnectionBase;

import java.util.ArrayList;
import java.util.List;

/**
 * Writes an open SSE response's live frames straight to its Netty channel, already framed as HTTP/1.1
 * chunks ({@link SseFrames#chunk}), below the HTTP encoder: no {@code HttpServerResponse.write}, no chunk
 * encoding, no pass through the rest of the pipeline and no promise per write. An event's chunk is encoded
 * once per verticle and every stream writes a reference to it, never a copy. Everything else (the head,
 * the retry line, a replay, heartbeats, the end) still goes through the response: the encoder keeps its
 * state (a chunked body) since it never sees these chunks, and its last chunk still ends the body.
 *
 * <p>Order: Vert.x (strict thread mode, HttpVerticle) and this both write synchronously into the same
 * channel's outbound buffer on its event loop, so bytes leave in the order written. Backpressure: the
 * outbound buffer counts these bytes as it counts the response's, so {@code writeQueueFull}, the drain
 * handler and the stall watch see them. The connection's idle timer does not see them; the heartbeat,
 * written through the response, keeps an open stream alive.
 *
 * <p>Relies on Vert.x 5's HTTP/1.x pipeline (its {@code httpEncoder}); {@link #of} answers null where that
 * does not hold (HTTP/2, compression, TLS's chunked writer), and the stream then writes through its
 * response. {@code SseChannelTest} fails if a Vert.x upgrade turns it off.
 */
final class SseChannel {
  private final ConnectionBase connection;
  /** The encoder's context: a write from it goes to the handlers before the encoder, then the socket. */
  private final ChannelHandlerContext belowEncoder;
  private final VoidChannelPromise noPromise;
  /** Chunks waiting for the registry's write slice, in order. */
  private final List<ByteBuf> held = new ArrayList<>(2);

  private SseChannel(ConnectionBase connection, ChannelHandlerContext belowEncoder) {
    this.connection = connection;
    this.belowEncoder = belowEncoder;
    this.noPromise = new VoidChannelPromise(connection.channel(), false);
  }

  /**
   * The channel of an HTTP/1.x response whose body may be written this way, or null: only when nothing
   * between the encoder and the socket transforms or holds a write (no compression, no chunked writer),
   * and the encoder is Netty's HTTP/1 response encoder.
   */
  static SseChannel of(HttpConnection connection) {
    if (!(connection instanceof ConnectionBase base)) {
      return null;
    }
    ChannelPipeline pipeline = base.channel().pipeline();
    ChannelHandlerContext encoder = pipeline.context("httpEncoder");
    if (encoder == null || !(encoder.handler() instanceof HttpResponseEncoder)
        || pipeline.get(HttpContentCompressor.class) != null || pipeline.get(ChunkedWriteHandler.class) != null) {
      return null;
    }
    return new SseChannel(base, encoder);
  }

  /** Holds a chunk for the next {@link #writeHeld}; takes over the caller's reference. */
  void hold(ByteBuf chunk) {
    held.add(chunk);
  }

  boolean holding() {
    return !held.isEmpty();
  }

  /** Writes the held chunks and flushes once: one system call for all of them. */
  void writeHeld() {
    long bytes = 0;
    for (int i = 0; i < held.size(); i++) {
      ByteBuf chunk = held.get(i);
      bytes += chunk.readableBytes();
      belowEncoder.write(chunk, noPromise);
    }
    held.clear();
    belowEncoder.flush();
    // what Vert.x counts for the response's own writes (vertx_http_server_bytes_written)
    connection.reportBytesWritten(bytes);
  }

  /** Lets go of the held chunks (the stream closed). */
  void discard() {
    held.forEach(ByteBuf::release);
    held.clear();
  }
}
