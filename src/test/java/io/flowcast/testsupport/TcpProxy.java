package io.flowcast.testsupport;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetSocket;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of a real server (PostgreSQL, Redis...), so a test can take that
 * server away from Flowcast and give it back: {@link #cut()} closes every proxied connection and stops
 * listening (new connections are refused), {@link #restore()} listens again on the same port. Bytes go
 * through unchanged, over real sockets.
 */
public final class TcpProxy implements AutoCloseable {
  private final Vertx vertx;
  private final String targetHost;
  private final int targetPort;
  private final NetClient upstream;
  private final Set<NetSocket> sockets = ConcurrentHashMap.newKeySet();
  private final AtomicLong accepted = new AtomicLong();
  private volatile NetServer server;
  private volatile boolean open;
  private int port;

  private TcpProxy(Vertx vertx, String targetHost, int targetPort) {
    this.vertx = vertx;
    this.targetHost = targetHost;
    this.targetPort = targetPort;
    this.upstream = vertx.createNetClient(new NetClientOptions().setConnectTimeout(5_000));
  }

  /** Starts a proxy on a free port to {@code targetHost:targetPort}. */
  public static TcpProxy start(Vertx vertx, String targetHost, int targetPort) {
    TcpProxy proxy = new TcpProxy(vertx, targetHost, targetPort);
    proxy.listen(0);
    return proxy;
  }

  /** Starts a proxy to the host and port of a {@code postgresql://} or {@code redis://} URL. */
  public static TcpProxy inFrontOf(Vertx vertx, String url) {
    URI uri = URI.create(url);
    int port = uri.getPort() > 0 ? uri.getPort() : uri.getScheme().startsWith("redis") ? 6379 : 5432;
    return start(vertx, uri.getHost(), port);
  }

  /** The same URL, pointing at this proxy instead of the server behind it. */
  public String url(String url) {
    URI uri = URI.create(url);
    try {
      return new URI(uri.getScheme(), uri.getUserInfo(), "127.0.0.1", port, uri.getPath(), uri.getQuery(),
          uri.getFragment()).toString();
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(e);
    }
  }

  public int port() {
    return port;
  }

  /** Connections accepted since the proxy started (to show that traffic really went through it). */
  public long accepted() {
    return accepted.get();
  }

  /** Closes every proxied connection and stops listening: the target is gone for whoever uses the proxy. */
  public synchronized void cut() {
    open = false;
    NetServer listening = server;
    server = null;
    if (listening != null) {
      listening.close().await();
    }
    List<Future<Void>> closing = new ArrayList<>();
    for (NetSocket socket : List.copyOf(sockets)) {
      closing.add(socket.close());
    }
    Future.join(closing).await();
  }

  /** Listens again on the same port. */
  public synchronized void restore() {
    if (server == null) {
      listen(port);
    }
  }

  private void listen(int onPort) {
    NetServer created = vertx.createNetServer().connectHandler(this::proxy);
    created.listen(onPort, "127.0.0.1").await();
    port = created.actualPort();
    server = created;
    open = true;
  }

  private void proxy(NetSocket inbound) {
    if (!open) {
      inbound.close();
      return;
    }
    accepted.incrementAndGet();
    inbound.pause();
    sockets.add(inbound);
    inbound.closeHandler(v -> sockets.remove(inbound));
    if (!open) { // cut() ran meanwhile and may not have seen this socket
      inbound.close();
      return;
    }
    upstream.connect(targetPort, targetHost).onComplete(ar -> {
      if (ar.failed()) {
        inbound.close();
        return;
      }
      NetSocket outbound = ar.result();
      sockets.add(outbound);
      if (!open) { // added after open was cleared: cut() may have missed it, so close it here
        outbound.close();
        inbound.close();
        return;
      }
      // whichever side goes away takes the other with it, as a real network path would
      inbound.closeHandler(v -> {
        sockets.remove(inbound);
        outbound.close();
      });
      outbound.closeHandler(v -> {
        sockets.remove(outbound);
        inbound.close();
      });
      inbound.pipeTo(outbound);
      outbound.pipeTo(inbound);
    });
  }

  @Override
  public void close() {
    cut();
    upstream.close().await();
  }
}
