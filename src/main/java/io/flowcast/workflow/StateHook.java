package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * What features record beside a workflow whenever its state changes (a patch, a commit, a rollback), in
 * the same atomic step as the change. The core knows only that there may be such records; a feature
 * (review: which sections changed at which version) says what they are.
 */
@FunctionalInterface
public interface StateHook {
  StateHook NONE = (before, after, version) -> List.of();

  /**
   * Field writes (with {@link SideData.FieldOp#ANY} as their expectation) to make with the change from
   * {@code before} to {@code after}, which becomes {@code version}.
   */
  List<SideData.FieldOp> onStateChange(JsonObject before, JsonObject after, long version);
}
