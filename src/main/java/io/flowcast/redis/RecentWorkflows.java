package io.flowcast.redis;

import io.flowcast.workflow.Workflow;
import io.flowcast.workflow.WorkflowKey;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The workflows this instance read or wrote last, so a patch can be computed without reading the
 * workflow from Redis first. Only a hint: the write is still a compare-and-set on version and
 * generation, and a stale entry costs one failed attempt followed by a fresh read.
 */
final class RecentWorkflows {
  /** Larger workflows are not kept: the hint is for the many small ones patched often. */
  private static final int MAX_ENCODED_CHARS = 8 * 1024;

  private final Map<WorkflowKey, Workflow> recent;

  RecentWorkflows(int capacity) {
    this.recent = new LinkedHashMap<>(256, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<WorkflowKey, Workflow> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized Workflow get(WorkflowKey key) {
    return recent.get(key);
  }

  /** @param encodedChars the length of the workflow's fields as the state hash keeps them (state and metadata, mostly) */
  synchronized void remember(Workflow workflow, int encodedChars) {
    if (encodedChars <= MAX_ENCODED_CHARS) {
      recent.put(workflow.key(), workflow);
    } else {
      recent.remove(workflow.key());
    }
  }

  synchronized void forget(WorkflowKey key) {
    recent.remove(key);
  }
}
