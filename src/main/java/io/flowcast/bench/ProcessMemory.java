package io.flowcast.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A local process's resident memory, from {@code /proc/<pid>/status} (Linux). */
final class ProcessMemory {
  private ProcessMemory() {
  }

  /** VmRSS in KiB, or -1 when it cannot be read (no such process, not Linux). */
  static long rssKib(long pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "status"))) {
        if (line.startsWith("VmRSS:")) {
          return Long.parseLong(line.substring(6).replace("kB", "").trim());
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }
}
