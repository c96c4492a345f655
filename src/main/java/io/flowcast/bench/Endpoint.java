package io.flowcast.bench;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;

import java.net.URI;
import java.net.URISyntaxException;

/** Where a request goes: a parsed {@code http(s)://host:port/path?query}, turned into request options. */
record Endpoint(String host, int port, boolean ssl, String path) {

  static Endpoint parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new BenchOptions.UsageException("not a URL: '" + url + "' (" + e.getReason() + ")");
    }
    String scheme = uri.getScheme();
    if (scheme == null || !(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new BenchOptions.UsageException("not an http(s)://host[:port] URL: '" + url + "'");
    }
    boolean ssl = scheme.equals("https");
    int port = uri.getPort() > 0 ? uri.getPort() : ssl ? 443 : 80;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
        : uri.getHost();
    return new Endpoint(host, port, ssl, path);
  }

  /** This endpoint with {@code suffix} appended to its path (a base URL plus an API path). */
  Endpoint plus(String suffix) {
    String base = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    return new Endpoint(host, port, ssl, base + suffix);
  }

  RequestOptions request(HttpMethod method) {
    return new RequestOptions().setMethod(method).setHost(host).setPort(port).setSsl(ssl)
        .setURI(path.isEmpty() ? "/" : path);
  }

  @Override
  public String toString() {
    return (ssl ? "https://" : "http://") + (host.contains(":") ? "[" + host + "]" : host) + ":" + port + path;
  }
}
