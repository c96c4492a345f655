package io.flowcast.auth;

import io.flowcast.config.ConfigLoader;
import io.flowcast.config.FlowcastConfig;
import io.vertx.core.Vertx;

import java.io.PrintStream;
import java.util.HashMap;
import java.util.Map;

/**
 * {@code flowcast token --sub alice --tenant acme --scope "workflows:read workflows:write" [--ttl 3600]}:
 * prints a development access token signed with the configured secret.
 */
public final class TokenCommand {
  private TokenCommand() {
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    Map<String, String> options = new HashMap<>(Map.of("--tenant", "default",
        "--scope", Caller.READ + " " + Caller.WRITE));
    for (int i = 1; i < args.length; i++) {
      String name = args[i];
      if (!Map.of("--sub", 1, "--tenant", 1, "--scope", 1, "--ttl", 1).containsKey(name) || i + 1 >= args.length) {
        err.println("usage: flowcast token --sub <subject> [--tenant <tenant>] [--scope \"<scopes>\"] [--ttl <seconds>]");
        return 2;
      }
      options.put(name, args[++i]);
    }
    if (!options.containsKey("--sub")) {
      err.println("token: --sub is required");
      return 2;
    }
    FlowcastConfig config = ConfigLoader.config(null, System.getenv());
    int ttl;
    try {
      ttl = Integer.parseInt(options.getOrDefault("--ttl", String.valueOf(config.devTokenTtlSeconds())));
    } catch (NumberFormatException e) {
      err.println("token: --ttl must be a number of seconds");
      return 2;
    }
    Vertx vertx = Vertx.vertx();
    try {
      out.println(JwtSupport.mint(JwtSupport.provider(vertx, config), config, options.get("--sub"),
          options.get("--tenant"), options.get("--scope"), ttl));
      return 0;
    } finally {
      vertx.close();
    }
  }
}
