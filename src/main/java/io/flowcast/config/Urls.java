package io.flowcast.config;

/** Connection URLs as they may be shown: in logs, on {@code /ready} and in error messages. */
public final class Urls {
  private Urls() {
  }

  /** The URL (or comma-separated URLs) with every password replaced by {@code ***}. */
  public static String withoutPasswords(String urls) {
    return urls.replaceAll("//([^:@/,]*):[^@/,]*@", "//$1:***@");
  }
}
