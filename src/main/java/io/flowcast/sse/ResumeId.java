package io.flowcast.sse;

import io.flowcast.workflow.EventId;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The SSE id of a multi-workflow stream: the client's position in every workflow of the connection, so
 * that a browser's reconnect with {@code Last-Event-ID} resumes each of them.
 *
 * <p>{@code v1} followed, for each workflow the client holds a position in, by {@code .<fingerprint>~<event
 * id>}, e.g. {@code v1.x3Jq-Lb0~1767225600000-0.Hd_8aPzW~1767225600412-3}. The fingerprint is the first 8
 * characters of the unpadded base64url SHA-256 of the workflow id: every entry has the same small size
 * however long the id (at most 51 characters, about 25 in practice), so 16 workflows stay well inside any
 * header limit. Only {@code A-Z a-z 0-9 - _ . ~} appear: URL-safe, and never a CR or LF.
 */
final class ResumeId {
  static final String VERSION = "v1";
  private static final int FINGERPRINT_LENGTH = 8;
  private static final int MAX_ENTRY_LENGTH = 1 + FINGERPRINT_LENGTH + 1 + 41;
  private static final Pattern ENTRY = Pattern.compile("[A-Za-z0-9_-]{8}~[0-9]{1,19}-[0-9]{1,19}");

  private ResumeId() {
  }

  static String fingerprint(String workflowId) {
    try {
      byte[] digest = MessageDigest.getInstance("SHA-256").digest(workflowId.getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(digest).substring(0, FINGERPRINT_LENGTH);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /** The id naming where the client is in each feed; feeds that sent nothing yet are left out. */
  static String encode(List<WorkflowFeed> feeds) {
    StringBuilder id = new StringBuilder(VERSION.length() + feeds.size() * 26).append(VERSION);
    for (WorkflowFeed feed : feeds) {
      if (feed.lastId() != null) {
        id.append('.').append(feed.fingerprint()).append('~').append(feed.lastId());
      }
    }
    return id.toString();
  }

  /**
   * The event id per fingerprint, or null when {@code text} is not a well-formed id of at most
   * {@code maxEntries} distinct workflows.
   */
  static Map<String, String> decode(String text, int maxEntries) {
    if (text == null || text.length() > VERSION.length() + (long) maxEntries * MAX_ENTRY_LENGTH
        || !text.startsWith(VERSION) || (text.length() > VERSION.length() && text.charAt(VERSION.length()) != '.')) {
      return null;
    }
    Map<String, String> positions = new HashMap<>();
    if (text.length() == VERSION.length()) {
      return positions;
    }
    for (String entry : text.substring(VERSION.length() + 1).split("\\.", -1)) {
      if (!ENTRY.matcher(entry).matches() || EventId.parse(entry.substring(FINGERPRINT_LENGTH + 1)) == null
          || positions.put(entry.substring(0, FINGERPRINT_LENGTH), entry.substring(FINGERPRINT_LENGTH + 1)) != null) {
        return null;
      }
    }
    return positions.size() > maxEntries ? null : positions;
  }

  /**
   * Where each workflow of a new stream starts, from the client's {@code Last-Event-ID}: none means a
   * snapshot of each; an id that is not well-formed a reset of each (as the single stream treats an
   * unknown id); otherwise each workflow resumes after its entry, and one without an entry (new in the
   * query) starts with a snapshot.
   */
  static Map<String, WorkflowFeed.Start> starts(List<String> workflowIds, String lastEventId, int maxEntries) {
    Map<String, WorkflowFeed.Start> starts = new HashMap<>();
    Map<String, String> positions = lastEventId == null ? Map.of() : decode(lastEventId, maxEntries);
    Map<String, Integer> sharing = new HashMap<>();
    workflowIds.forEach(id -> sharing.merge(fingerprint(id), 1, Integer::sum));
    for (String id : workflowIds) {
      String fingerprint = fingerprint(id);
      if (positions == null) {
        starts.put(id, WorkflowFeed.Start.RESET);
      } else if (sharing.get(fingerprint) > 1 || !positions.containsKey(fingerprint)) {
        // two workflows of one query with one fingerprint (vanishingly rare) cannot tell their entries apart
        starts.put(id, WorkflowFeed.Start.SNAPSHOT);
      } else {
        starts.put(id, WorkflowFeed.Start.of(positions.get(fingerprint)));
      }
    }
    return starts;
  }
}
