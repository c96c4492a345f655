package io.flowcast;

import io.flowcast.auth.TokenCommand;
import io.flowcast.bench.BenchCommand;
import io.flowcast.config.ConfigException;
import io.vertx.launcher.application.VertxApplication;

/**
 * The jar's entry point. {@code token ...} mints a development token, {@code bench ...} runs the load
 * tool, {@code --help} lists them; anything else starts the server through the Vert.x application
 * launcher with the {@code Main-Verticle} of the manifest.
 */
public final class Main {
  private Main() {
  }

  static final String USAGE = """
      usage: java -jar flowcast.jar                 run the server (configuration: conf/config.json, overridden
                                                    by FLOWCAST_* variables, e.g. FLOWCAST_HTTP_PORT=8081;
                                                    FLOWCAST_CONFIG names a JSON file of settings; README.md)
             java -jar flowcast.jar token --sub <subject> [--tenant <tenant>] [--scope "<scopes>"] [--ttl <s>]
                                                    print an access token signed with the configured secret
             java -jar flowcast.jar bench <write|fanout|idle|cold-start> [options]
                                                    load-test a running server (bench --help lists the options)
             java -jar flowcast.jar --help          this text
      """;

  public static void main(String[] args) {
    if (args.length > 0 && (args[0].equals("--help") || args[0].equals("-h") || args[0].equals("help"))) {
      System.out.print(USAGE);
      System.exit(0);
    }
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
