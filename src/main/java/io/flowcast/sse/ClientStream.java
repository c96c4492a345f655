package io.flowcast.sse;

/**
 * A client's open stream as the {@link StreamRegistry} keeps it for what every stream gets: the
 * heartbeat, the end of its session, and the end at shutdown. Workflow streams and bridge subscriptions
 * ({@link FeedOwner}) and tenant feeds ({@link TenantFeedStream}) are ones.
 */
abstract class ClientStream {
  /** Every heartbeat tick: keeps the connection alive and closes one whose client took nothing for too long. */
  abstract void heartbeat();

  /** The session ({@code sid}) of the token it was opened with, or null. */
  abstract String sessionId();

  /** Access ended (token expired or session revoked): tell the client, then end. */
  abstract void authEnded(String code, String reason);

  /** Ends cleanly (the instance shuts down, or what it follows is gone). */
  abstract void end();
}
