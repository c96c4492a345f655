package io.flowcast.auth;

import org.bouncycastle.crypto.generators.OpenBSDBCrypt;

/** bcrypt (Bouncy Castle's OpenBSDBCrypt). Slow by design: call it off the event loop. */
public final class Passwords {
  /** A hash to compare against when the account does not exist, so both cases take as long. */
  private static final String DUMMY = "$2b$10$x/VGhKvIQx70WP68i/WyK.zyRfoyMzCgu7PUGqSmHAuQK9fGRj6si";

  private Passwords() {
  }

  public static boolean matches(String bcryptHash, String password) {
    if (password == null) {
      return false;
    }
    try {
      return OpenBSDBCrypt.checkPassword(bcryptHash == null ? DUMMY : bcryptHash, password.toCharArray())
          && bcryptHash != null;
    } catch (IllegalArgumentException malformedHash) {
      return false;
    }
  }
}
