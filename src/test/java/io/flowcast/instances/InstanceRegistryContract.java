package io.flowcast.instances;

import io.flowcast.testsupport.Eventually;
import io.flowcast.testsupport.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The instance registry on every backend: a renewed record is listed with its latest figures, a record
 * that is not renewed drops off after its TTL, and one that leaves is gone at once. Ids are the test's
 * own (other servers of the run may share the registry).
 */
abstract class InstanceRegistryContract {
  protected final TestClock clock = new TestClock();
  private InstanceRegistry registry;

  protected abstract InstanceRegistry newRegistry(TestClock clock);

  /** Lets a lease of {@code ttl} run out: the in-memory registry's clock moves; Redis's own clock runs. */
  protected abstract void letLeaseRunOut(Duration ttl);

  @BeforeEach
  void newRegistry() {
    registry = newRegistry(clock);
  }

  private static InstanceRecord record(String id, long streams, Long backlog) {
    return new InstanceRecord(id, "1.2.3", "2026-01-01T10:00:00Z", "2026-01-01T10:00:05Z", "10.0.0.7:8080",
        streams, 12.5, backlog);
  }

  private static String newId() {
    return "fc-test-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private List<InstanceRecord> mine(String... ids) {
    List<String> wanted = List.of(ids);
    return registry.live().await().stream().filter(r -> wanted.contains(r.id())).toList();
  }

  @Test
  void aRecordIsListedWithEveryFieldAsWritten() {
    String id = newId();
    registry.beat(record(id, 3, 40L), 60_000).await();

    assertThat(mine(id)).containsExactly(record(id, 3, 40L));
  }

  @Test
  void aRenewedRecordIsListedOnceWithItsLatestFigures() {
    String id = newId();
    registry.beat(record(id, 3, null), 60_000).await();
    registry.beat(record(id, 7, null), 60_000).await();

    assertThat(mine(id)).containsExactly(record(id, 7, null));
  }

  @Test
  void severalInstancesAreListedByIdInOrder() {
    String a = newId() + "-a";
    String b = a.substring(0, a.length() - 2) + "-b";
    registry.beat(record(b, 1, null), 60_000).await();
    registry.beat(record(a, 2, null), 60_000).await();

    assertThat(mine(a, b)).extracting(InstanceRecord::id).containsExactly(a, b);
  }

  @Test
  void aLeavingInstanceIsGoneAtOnce() {
    String id = newId();
    String other = newId();
    registry.beat(record(id, 0, null), 60_000).await();
    registry.beat(record(other, 0, null), 60_000).await();

    registry.leave(id).await();

    assertThat(mine(id, other)).extracting(InstanceRecord::id).containsExactly(other);
  }

  @Test
  void aRecordThatIsNotRenewedDropsOffAfterItsTtlWhileARenewedOneStays() {
    String dead = newId();
    String alive = newId();
    Duration ttl = Duration.ofMillis(400);
    registry.beat(record(dead, 0, null), ttl.toMillis()).await();
    registry.beat(record(alive, 0, null), 60_000).await();
    assertThat(mine(dead, alive)).hasSize(2);

    letLeaseRunOut(ttl);

    Eventually.await("the record without renewal dropping off", Duration.ofSeconds(3), () -> mine(dead, alive),
        live -> live.size() == 1);
    assertThat(mine(dead, alive)).extracting(InstanceRecord::id).containsExactly(alive);
  }

  @Test
  void leavingWithoutARecordChangesNothing() {
    String id = newId();
    registry.leave(id).await();

    assertThat(mine(id)).isEmpty();
  }
}
