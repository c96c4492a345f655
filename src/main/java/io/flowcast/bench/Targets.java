package io.flowcast.bench;

import io.vertx.pgclient.PgConnectOptions;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;

/**
 * The URLs a run talks to: Flowcast's API paths under a base URL, or another server's URLs made from
 * templates with {@code {workflow}}. Only loopback addresses unless {@code --allow-remote}: a load
 * generator pointed at someone else's server by mistake is an attack.
 */
final class Targets {
  static final String PLACEHOLDER = "{workflow}";
  private static final String WORKFLOWS = "/api/v1/workflows";

  private Targets() {
  }

  static void check(BenchOptions options) {
    List<String> urls = new ArrayList<>(List.of(options.url(), options.subscribeUrl(), options.publishUrl()));
    for (String template : new String[] {options.sseUrlTemplate(), options.publishUrlTemplate()}) {
      if (template != null) {
        if (!template.contains(PLACEHOLDER)) {
          throw new BenchOptions.UsageException("a URL template must contain " + PLACEHOLDER + ": '" + template + "'");
        }
        urls.add(template.replace(PLACEHOLDER, "w"));
      }
    }
    List<String> hosts = new ArrayList<>();
    urls.forEach(url -> hosts.add(Endpoint.parse(url).host()));
    if (options.pgUrl() != null) {
      hosts.add(pgHost(options.pgUrl()));
    }
    if (options.coldStart() != null && options.coldStart().redisUrl() != null) {
      hosts.add(redisHost(options.coldStart().redisUrl()));
    }
    for (String host : hosts) {
      if (!options.allowRemote() && !loopback(host)) {
        throw new BenchOptions.UsageException("refusing to load " + host
            + ": not a loopback address (pass --allow-remote to bench a server you run elsewhere)");
      }
    }
  }

  private static String pgHost(String pgUrl) {
    try {
      return PgConnectOptions.fromUri(pgUrl).getHost();
    } catch (RuntimeException e) {
      throw new BenchOptions.UsageException("--pg-url must be a URL like postgresql://user@host:5432/database");
    }
  }

  private static String redisHost(String redisUrl) {
    try {
      String host = new java.net.URI(redisUrl).getHost();
      if (host == null) {
        throw new BenchOptions.UsageException("--redis-url names no host: '" + redisUrl + "'");
      }
      return host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    } catch (java.net.URISyntaxException e) {
      throw new BenchOptions.UsageException("--redis-url is not a URL: '" + redisUrl + "'");
    }
  }

  static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static Endpoint workflows(String baseUrl) {
    return Endpoint.parse(baseUrl).plus(WORKFLOWS);
  }

  static Endpoint patch(String baseUrl, String workflow) {
    return Endpoint.parse(baseUrl).plus(WORKFLOWS + "/" + workflow);
  }

  static Endpoint events(String baseUrl, String workflow) {
    return Endpoint.parse(baseUrl).plus(WORKFLOWS + "/" + workflow + "/events");
  }

  /** The SSE feed of a workflow: Flowcast's, or the template's in generic mode. */
  static Endpoint stream(BenchOptions options, String workflow) {
    return options.generic() ? Endpoint.parse(options.sseUrlTemplate().replace(PLACEHOLDER, workflow))
        : Endpoint.parse(options.subscribeUrl()).plus(WORKFLOWS + "/" + workflow + "/stream");
  }

  /** The tenant feed ({@code GET /api/v1/feed}) with the smallest snapshot. */
  static Endpoint feed(BenchOptions options) {
    return Endpoint.parse(options.subscribeUrl()).plus("/api/v1/feed?limit=1");
  }

  /** The SSE feed of a Flowcast workflow under {@code baseUrl}. */
  static Endpoint stream(String baseUrl, String workflow) {
    return Endpoint.parse(baseUrl).plus(WORKFLOWS + "/" + workflow + "/stream");
  }

  /** Where a fan-out event for a workflow is published. */
  static Endpoint publish(BenchOptions options, String workflow) {
    return options.generic() ? Endpoint.parse(options.publishUrlTemplate().replace(PLACEHOLDER, workflow))
        : events(options.publishUrl(), workflow);
  }
}
