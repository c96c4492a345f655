package io.flowcast.bench;

/**
 * Where an {@link EditSession} counts its edits. Each edit has two send times: the one its schedule
 * meant ({@code intended}) and the one the client's event loop managed ({@code sent}); which one a
 * figure counts from is the tally's choice ({@code bench sessions} counts from the intended time, so a
 * client or server that falls behind shows as latency instead of hiding as fewer sends). Safe from any
 * event loop.
 */
interface EditTally {
  void sessionReady(long nanos);

  void sent(long intended, long sent);

  /** Acknowledged with a 2xx; {@code event}: a custom event rather than a PATCH. */
  void acknowledged(long intended, long sent, long answered, boolean event);

  void failed(long intended, long sent);

  /** The edit's frame arrived on the session's own stream at {@code received}. */
  void delivered(long intended, long sent, long received);
}
