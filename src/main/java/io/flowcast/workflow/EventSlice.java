package io.flowcast.workflow;

import io.vertx.core.json.JsonObject;

import java.util.List;

/**
 * Events after a given id, oldest first. {@code afterKnown} is false when that id is not in the
 * retained history (too old, or never issued): a stream resuming from it must reset.
 * {@code hasMore} says a further read after the last returned event would find more.
 */
public record EventSlice(List<JsonObject> events, boolean afterKnown, boolean hasMore) {
}
