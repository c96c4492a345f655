package io.flowcast.workflow;

import java.util.regex.Pattern;

/** The identifier rule of the API: workflow ids, section ids, labels, tenants, event types. */
public final class Ids {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

  private Ids() {
  }

  public static boolean valid(String value) {
    // "." and ".." match the pattern but cannot be addressed in a URL path
    return value != null && ID.matcher(value).matches() && !value.equals(".") && !value.equals("..");
  }

  /** A short description of the rule, for error details. */
  public static String rule() {
    return "1 to 128 characters of A-Z, a-z, 0-9, '.', '_' or '-' (not '.' or '..')";
  }
}
