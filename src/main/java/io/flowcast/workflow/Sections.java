package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * Review sections live in {@code state.sections}. Whatever changes one (a committed draft, a merge patch,
 * a rollback) records the version in the drafts side under {@link #changedField}, so a draft started
 * before that version cannot overwrite the change unseen.
 */
public final class Sections {
  private static final String CHANGED = "committed:";

  private Sections() {
  }

  public static String changedField(String section) {
    return CHANGED + section;
  }

  /** The sections (with valid ids) whose content differs between two states. */
  public static Set<String> changed(JsonObject before, JsonObject after) {
    JsonObject a = before.getValue("sections") instanceof JsonObject o ? o : new JsonObject();
    JsonObject b = after.getValue("sections") instanceof JsonObject o ? o : new JsonObject();
    Set<String> names = new HashSet<>(a.fieldNames());
    names.addAll(b.fieldNames());
    names.removeIf(name -> Objects.equals(a.getValue(name), b.getValue(name)) || !Ids.valid(name));
    return names;
  }
}
