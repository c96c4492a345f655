package io.flowcast.sse;

import io.flowcast.testsupport.SseClient;
import io.flowcast.testsupport.SseEvent;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The seqs of several workflows seen on the connections of one multi-workflow stream, and the id to
 * resume from, so a test can check that every event arrived exactly once across a reconnect.
 */
final class SeqsSeen {
  private final Map<String, List<Long>> seen = new HashMap<>();
  private String lastId;

  /** @param position the stream's position after its openings (the resume id a client would keep) */
  SeqsSeen(List<String> workflows, String position) {
    workflows.forEach(id -> seen.put(id, new ArrayList<>()));
    lastId = position;
  }

  /** Reads {@code count} events, remembering the id of the last one. */
  void read(SseClient stream, int count) {
    for (int i = 0; i < count; i++) {
      add(stream.next(10));
    }
  }

  /** Reads events of {@code type} until every workflow reached {@code lastSeq}. */
  void readUntil(SseClient stream, String type, long lastSeq) {
    while (seen.values().stream().anyMatch(seqs -> seqs.isEmpty() || seqs.get(seqs.size() - 1) < lastSeq)) {
      SseEvent event = stream.next(20);
      assertThat(event.event()).isEqualTo(type);
      add(event);
    }
  }

  String lastId() {
    return lastId;
  }

  /** Every workflow saw each seq from {@code from} to {@code to} once, in order. */
  void assertEachOnce(long from, long to) {
    List<Long> wanted = new ArrayList<>();
    for (long s = from; s <= to; s++) {
      wanted.add(s);
    }
    seen.forEach((id, seqs) -> assertThat(seqs).as("seq of " + id + " across the connections")
        .containsExactlyElementsOf(wanted));
  }

  private void add(SseEvent event) {
    seen.get(event.json().getString("workflow_id")).add(event.seq());
    lastId = event.id();
  }
}
