package io.flowcast.memory;

import io.flowcast.outputs.OutputErrors;
import io.flowcast.outputs.OutputEvents;
import io.flowcast.outputs.OutputStreams;
import io.flowcast.workflow.Actor;
import io.flowcast.workflow.EventTypes;
import io.flowcast.workflow.Lifecycle;
import io.flowcast.workflow.Mutation;
import io.flowcast.workflow.WorkflowKey;
import io.vertx.core.Future;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The outputs of the in-memory backend: kept beside each workflow by the store and changed under its lock,
 * so a chunk, its delta and the events around it are one step in one order, as in the Redis scripts.
 */
final class InMemoryOutputs implements OutputStreams {
  private static final String SIDE = "outputs";
  private final InMemoryWorkflowStore store;

  /** One output: its text, how much of it the log has ({@code output.appended}), whether it is closed. */
  private static final class Text {
    final StringBuilder text = new StringBuilder();
    int rolled;
    boolean closed;
  }

  InMemoryOutputs(InMemoryWorkflowStore store) {
    this.store = store;
  }

  @Override
  public Future<Appended> append(WorkflowKey key, String name, String text, Long expectedOffset, long maxChars,
      Actor actor) {
    return store.withLive(key, actor, live -> {
      Map<String, Text> outputs = live.side(SIDE, LinkedHashMap::new);
      Text output = outputs.get(name);
      long length = output == null ? 0 : output.text.length();
      if (output != null && output.closed) {
        throw OutputErrors.closed(name);
      }
      if (expectedOffset != null && expectedOffset != length) {
        throw OutputErrors.offsetMoved(name, length);
      }
      if (length + text.length() > maxChars) {
        throw OutputErrors.tooLarge(name, maxChars);
      }
      if (output == null) {
        output = new Text();
        outputs.put(name, output);
      }
      output.text.append(text);
      store.publishEphemeral(key, EventTypes.OUTPUT_DELTA, OutputEvents.delta(key.id(), name, length, text));
      return new Appended(length, output.text.length());
    });
  }

  @Override
  public Future<Mutation> rollUp(WorkflowKey key, String name, Actor actor) {
    return store.withLive(key, actor, live -> {
      Map<String, Text> outputs = live.side(SIDE, LinkedHashMap::new);
      Text output = outputs.get(name);
      if (output == null || output.closed || output.rolled == output.text.length()) {
        return new Mutation(live.workflow(), null);
      }
      int from = output.rolled;
      output.rolled = output.text.length();
      return live.append(EventTypes.OUTPUT_APPENDED, OutputEvents.appended(name, from, output.text.substring(from)),
          actor);
    });
  }

  @Override
  public Future<Mutation> close(WorkflowKey key, String name, boolean cancelled, Actor actor) {
    // a cancel's close comes after the cancel: the check is made here rather than by the store
    return store.withLive(key, cancelled ? null : actor, live -> {
      String status = live.workflow().status();
      if (cancelled && !status.equals(Lifecycle.CANCELLED)) {
        return new Mutation(live.workflow(), null); // reopened since the cancel: its outputs stay open
      }
      if (!cancelled && Lifecycle.terminal(status)) {
        throw Lifecycle.closed(key.id(), status);
      }
      Map<String, Text> outputs = live.side(SIDE, LinkedHashMap::new);
      Text output = outputs.computeIfAbsent(name, n -> new Text());
      if (output.closed) {
        throw OutputErrors.closed(name);
      }
      output.closed = true;
      output.rolled = output.text.length();
      return live.append(EventTypes.OUTPUT_CLOSED, OutputEvents.closed(name, output.text.toString(), cancelled),
          actor);
    });
  }

  @Override
  public Future<List<Output>> list(WorkflowKey key, boolean openOnly) {
    return store.withLive(key, live -> {
      Map<String, Text> outputs = live.side(SIDE, LinkedHashMap::new);
      List<Output> all = new ArrayList<>();
      outputs.forEach((name, o) -> {
        if (!openOnly || !o.closed) {
          all.add(new Output(name, o.text.toString(), o.closed));
        }
      });
      return all;
    });
  }
}
