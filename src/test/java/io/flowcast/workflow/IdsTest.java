package io.flowcast.workflow;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/** The identifier rule: 1 to 128 of A-Z, a-z, 0-9, '.', '_', '-', and not '.' or '..'. */
class IdsTest {

  @ParameterizedTest
  @ValueSource(strings = {"a", "Z", "0", "_", "-", "...", "a.b", "ticket-42_v1.2", ".hidden", "ab..",
      "0123456789-abcdefghijklmnopqrstuvwxyz_ABCDEFGHIJKLMNOPQRSTUVWXYZ."})
  void accepts(String id) {
    assertThat(id.length()).isLessThanOrEqualTo(128);
    assertThat(Ids.valid(id)).as(id).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", ".", "..", "a b", "a/b", "a\\b", "\u00e9", "\u0131", "\u212a", "a\u0000",
      "a\n", "%41", "a:b", "a+b", "a@b", "~", "\u0661", "\uff41"})
  void refuses(String id) {
    assertThat(Ids.valid(id)).as(id).isFalse();
  }

  @Test
  void refusesNullAndMoreThan128Characters() {
    assertThat(Ids.valid(null)).isFalse();
    assertThat(Ids.valid("x".repeat(128))).isTrue();
    assertThat(Ids.valid("x".repeat(129))).isFalse();
  }
}
