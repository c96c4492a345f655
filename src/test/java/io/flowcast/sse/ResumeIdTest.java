package io.flowcast.sse;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The composite SSE id of a multi-workflow stream. */
class ResumeIdTest {

  @Test
  void fingerprintIsEightUrlSafeCharactersWhateverTheIdLength() {
    assertThat(ResumeId.fingerprint("a")).matches("[A-Za-z0-9_-]{8}");
    assertThat(ResumeId.fingerprint("x".repeat(128))).matches("[A-Za-z0-9_-]{8}");
    assertThat(ResumeId.fingerprint("wf-1")).isEqualTo(ResumeId.fingerprint("wf-1"))
        .isNotEqualTo(ResumeId.fingerprint("wf-2"));
  }

  @Test
  void decodeReadsBackEveryEntry() {
    String a = ResumeId.fingerprint("a");
    String b = ResumeId.fingerprint("b");
    String id = "v1." + a + "~1767225600000-0." + b + "~1767225600412-3";
    assertThat(ResumeId.decode(id, 16)).isEqualTo(Map.of(a, "1767225600000-0", b, "1767225600412-3"));
    assertThat(ResumeId.decode("v1", 16)).isEmpty();
  }

  @Test
  void malformedOrOversizedIdsDecodeToNull() {
    String a = ResumeId.fingerprint("a");
    for (String bad : List.of("", "1767225600000-0", "v1.", "v1." + a, "v1." + a + "~x-1", "v1." + a + "~1-0.",
        "v1." + a + "~1-0." + a + "~2-0", "v1x" + a + "~1-0", "v1." + a + "~1-0\n", "v1." + a + "~+1-0")) {
      assertThat(ResumeId.decode(bad, 16)).as("'%s'", bad).isNull();
    }
    String two = "v1." + a + "~1-0." + ResumeId.fingerprint("b") + "~1-0";
    assertThat(ResumeId.decode(two, 1)).as("more entries than workflows per stream").isNull();
  }

  @Test
  void startsResumeKnownWorkflowsSnapshotNewOnesAndResetOnMalformedIds() {
    String id = "v1." + ResumeId.fingerprint("a") + "~5-0";
    Map<String, WorkflowFeed.Start> starts = ResumeId.starts(List.of("a", "b"), id, 16);
    assertThat(starts.get("a")).isEqualTo(new WorkflowFeed.Start("5-0", false));
    assertThat(starts.get("b")).isEqualTo(WorkflowFeed.Start.SNAPSHOT);
    assertThat(ResumeId.starts(List.of("a", "b"), null, 16).values()).containsOnly(WorkflowFeed.Start.SNAPSHOT);
    assertThat(ResumeId.starts(List.of("a", "b"), "5-0", 16).values()).containsOnly(WorkflowFeed.Start.RESET);
  }
}
