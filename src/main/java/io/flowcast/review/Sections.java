package io.flowcast.review;

import io.flowcast.workflow.Ids;
import io.flowcast.workflow.SideData;
import io.flowcast.workflow.StateHook;
import io.vertx.core.json.JsonObject;

import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Review sections live in {@code state.sections}. Whatever changes one (a committed draft, a merge patch,
 * a rollback) records the version in the drafts side under {@link #changedField}, so a draft started
 * before that version cannot overwrite the change unseen: {@link #HOOK} is given to the backend, which
 * makes these writes with every change of a state.
 */
public final class Sections {
  private static final String CHANGED = "committed:";

  /** The drafts side's record of which sections a state change changed, and at which version. */
  public static final StateHook HOOK = (before, after, version) -> changed(before, after).stream()
      .map(section -> new SideData.FieldOp(SideData.Side.DRAFTS, changedField(section), SideData.FieldOp.ANY,
          String.valueOf(version)))
      .toList();

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
