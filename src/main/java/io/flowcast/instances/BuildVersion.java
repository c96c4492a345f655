package io.flowcast.instances;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The project version this build was made from: {@code flowcast/version.txt}, which Maven fills from the
 * POM when it copies the resources (so tests on the class path see it too); "dev" when it is absent or
 * was not filled.
 */
public final class BuildVersion {
  static final String UNKNOWN = "dev";
  private static final String RESOURCE = "flowcast/version.txt";
  private static final String VERSION = read();

  private BuildVersion() {
  }

  public static String get() {
    return VERSION;
  }

  private static String read() {
    try (InputStream in = BuildVersion.class.getClassLoader().getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return UNKNOWN;
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
      return text.isEmpty() || text.contains("${") ? UNKNOWN : text;
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
