package io.flowcast;

import io.flowcast.auth.TokenCommand;
import io.flowcast.bench.BenchCommand;
import io.flowcast.config.ConfigException;
import io.vertx.launcher.application.VertxApplication;

/**
 * The jar's entry point. {@code token ...} mints a development token; anything else starts the server
 * through the Vert.x application launcher with the {@code Main-Verticle} of the manifest.
 */
public final class Main {
  private Main() {
  }

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("token")) {
      int code;
      try {
        code = TokenCommand.run(args, System.out, System.err);
      } catch (ConfigException e) {
        System.err.println(e.getMessage());
        code = 1;
      }
      System.exit(code);
    }
    if (args.length > 0 && args[0].equals("bench")) {
      System.exit(BenchCommand.run(args, System.out, System.err));
    }
    int code = new VertxApplication(args, new FlowcastHooks()).launch();
    if (code != 0) {
      System.exit(code);
    }
  }
}
