package io.flowcast.review;

import io.flowcast.workflow.Times;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

import java.time.Instant;

/**
 * A section's draft as stored: the revisions kept for undo (oldest first, at most a configured number)
 * and the workflow version the draft was started from. Stored as one JSON value, read and written whole.
 */
record DraftRecord(String section, long baseVersion, JsonArray revisions) {

  static DraftRecord parse(String section, String json) {
    JsonObject o = new JsonObject(json);
    return new DraftRecord(section, o.getLong("base_version"), o.getJsonArray("revisions"));
  }

  /** A first revision, based on the workflow's current version. */
  static DraftRecord start(String section, long baseVersion) {
    return new DraftRecord(section, baseVersion, new JsonArray());
  }

  /** This record with one more revision; the oldest ones beyond {@code maxRevisions} are dropped. */
  DraftRecord revise(String rawDraft, String diffSummary, String author, Instant now, int maxRevisions) {
    long revision = revisions.isEmpty() ? 1 : latest().getLong("revision") + 1;
    JsonArray next = revisions.copy().add(new JsonObject().put("revision", revision).put("raw_draft", rawDraft)
        .put("diff_summary", diffSummary).put("author", author).put("updated_at", Times.format(now)));
    while (next.size() > maxRevisions) {
      next.remove(0);
    }
    return new DraftRecord(section, baseVersion, next);
  }

  boolean canUndo() {
    return revisions.size() > 1;
  }

  /** This record without its newest revision. */
  DraftRecord undone() {
    JsonArray next = revisions.copy();
    next.remove(next.size() - 1);
    return new DraftRecord(section, baseVersion, next);
  }

  JsonObject latest() {
    return revisions.getJsonObject(revisions.size() - 1);
  }

  String rawDraft() {
    return latest().getString("raw_draft");
  }

  String encode() {
    return new JsonObject().put("base_version", baseVersion).put("revisions", revisions).encode();
  }

  /** The draft as clients see it (docs/API.md). */
  JsonObject view(Instant expiresAt) {
    JsonObject latest = latest();
    return new JsonObject().put("section_id", section).put("raw_draft", latest.getString("raw_draft"))
        .put("diff_summary", latest.getString("diff_summary")).put("revision", latest.getLong("revision"))
        .put("revisions_kept", revisions.size()).put("base_version", baseVersion)
        .put("author", latest.getString("author")).put("updated_at", latest.getString("updated_at"))
        .put("expires_at", Times.format(expiresAt));
  }
}
