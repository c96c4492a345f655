package io.flowcast.workflow;

/** The identifier rule of the API: workflow ids, section ids, labels, tenants, event types. */
public final class Ids {
  private static final int MAX_LENGTH = 128;

  private Ids() {
  }

  public static boolean valid(String value) {
    if (value == null || value.isEmpty() || value.length() > MAX_LENGTH) {
      return false;
    }
    // checked on every request, several times: a loop, not a regular expression
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '.' || c == '_' || c == '-';
      if (!allowed) {
        return false;
      }
    }
    // "." and ".." follow the rule but cannot be addressed in a URL path
    return !value.equals(".") && !value.equals("..");
  }

  /** A short description of the rule, for error details. */
  public static String rule() {
    return "1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-' (not '.' or '..')";
  }
}
