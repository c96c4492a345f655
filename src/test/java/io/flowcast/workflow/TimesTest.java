package io.flowcast.workflow;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** Times.format writes what Instant.toString writes, to the millisecond, for every instant. */
class TimesTest {
  @Test
  void formatWritesWhatInstantToStringWrites() {
    List<Instant> instants = new ArrayList<>(List.of(Instant.EPOCH, Instant.parse("1970-01-01T00:00:00.001Z"),
        Instant.parse("2000-02-29T23:59:59.999Z"), Instant.parse("2026-12-03T08:00:00.120Z"),
        Instant.parse("2026-12-31T23:59:59Z"), Instant.parse("2100-03-01T00:00:00.5Z"),
        Instant.parse("9999-12-31T23:59:59.999999999Z"), Instant.parse("+10000-01-01T00:00:00Z"),
        Instant.parse("1969-12-31T23:59:59.999Z"), Instant.parse("0001-01-01T00:00:00Z"),
        Instant.parse("2026-12-03T08:00:00.000999Z")));
    SplittableRandom random = new SplittableRandom(15);
    for (int i = 0; i < 200_000; i++) {
      long seconds = random.nextLong(-100_000_000_000L, 300_000_000_000L);
      int nanos = random.nextBoolean() ? random.nextInt(1_000_000_000) : random.nextInt(1000) * 1_000_000;
      instants.add(Instant.ofEpochSecond(i % 7 == 0 ? seconds / 86_400 * 86_400 : seconds, i % 5 == 0 ? 0 : nanos));
    }
    for (Instant instant : instants) {
      assertThat(Times.format(instant)).as("%s", instant).isEqualTo(instant.truncatedTo(ChronoUnit.MILLIS).toString());
    }
  }
}
