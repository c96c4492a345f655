package io.flowcast.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs a test script of {@code src/test/js} with node (a browser test through playwright-core, or an SSE
 * client library): its output is printed and returned; the test fails when it does not end within the
 * time given (it and its children are then killed) or ends with another exit code than 0.
 */
public final class NodeScripts {
  private NodeScripts() {
  }

  /** @param node the command, with its environment set (its error output is merged into its output) */
  public static String run(ProcessBuilder node, Path script, long timeoutSeconds) throws Exception {
    Process process = node.redirectErrorStream(true).start();
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    Thread reader = new Thread(() -> copy(process.getInputStream(), output), "node-" + script.getFileName());
    reader.start();
    boolean finished = process.waitFor(timeoutSeconds, TimeUnit.SECONDS);
    if (!finished) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    reader.join(10_000);
    String log = output.toString(StandardCharsets.UTF_8);
    System.out.println(log);
    assertThat(finished).as("node %s finished within %d s; its output:%n%s", script, timeoutSeconds, log).isTrue();
    assertThat(process.exitValue()).as("exit code of node %s; its output:%n%s", script, log).isZero();
    return log;
  }

  private static void copy(InputStream in, ByteArrayOutputStream out) {
    try (in) {
      in.transferTo(out);
    } catch (IOException e) {
      // the process ended; what was read is kept
    }
  }
}
