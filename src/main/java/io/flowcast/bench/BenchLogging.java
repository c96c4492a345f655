package io.flowcast.bench;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the bench's log lines (Vert.x and Netty warnings) to stderr, so that stdout holds only the report
 * and {@code --json} output stays parseable.
 */
final class BenchLogging {
  private BenchLogging() {
  }

  static void toStderr() {
    if (!(LoggerFactory.getILoggerFactory() instanceof LoggerContext context)) {
      return;
    }
    var root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    for (var it = root.iteratorForAppenders(); it.hasNext(); ) {
      Appender<?> appender = it.next();
      if (appender instanceof ConsoleAppender<?> console && !"System.err".equals(console.getTarget())) {
        console.stop();
        console.setTarget("System.err");
        console.start();
      }
    }
  }
}
