package io.flowcast.bench;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class SeqCheckerTest {

  private static SeqChecker.Result check(long baseline, long lastSeq, long... seqs) {
    SeqChecker checker = new SeqChecker(baseline);
    for (long seq : seqs) {
      checker.accept(seq);
    }
    return checker.result(lastSeq);
  }

  @Test
  void everySeqOnceInOrderPasses() {
    SeqChecker.Result result = check(1, 6, 2, 3, 4, 5, 6);
    assertThat(result.ok()).isTrue();
    assertThat(result).isEqualTo(new SeqChecker.Result(1, 0, 5, 5, 0, 0, 0));
  }

  @Test
  void noEventsPublishedAndNoneReceivedPasses() {
    assertThat(check(0, 0).ok()).isTrue();
  }

  @Test
  void aMissingSeqInTheMiddleIsAGap() {
    SeqChecker.Result result = check(0, 5, 1, 2, 4, 5);
    assertThat(result.ok()).isFalse();
    assertThat(result.gaps()).isEqualTo(1);
    assertThat(result.duplicates()).isZero();
    assertThat(result.reorders()).isZero();
    assertThat(result.failing()).isEqualTo(1);
  }

  @Test
  void eventsThatNeverArriveAtTheEndAreGaps() {
    SeqChecker.Result result = check(0, 5, 1, 2, 3);
    assertThat(result.gaps()).isEqualTo(2);
    assertThat(result.ok()).isFalse();
  }

  @Test
  void aSeqSeenTwiceIsADuplicate() {
    SeqChecker.Result result = check(0, 4, 1, 2, 2, 3, 4);
    assertThat(result.ok()).isFalse();
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.gaps()).isZero();
    assertThat(result.reorders()).isZero();
    assertThat(result.received()).isEqualTo(5);
  }

  @Test
  void aSeqFromBeforeTheSubscriptionIsADuplicate() {
    SeqChecker.Result result = check(3, 5, 3, 4, 5);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.ok()).isFalse();
  }

  @Test
  void aLateSeqIsAReorderNotAGapOrDuplicate() {
    SeqChecker.Result result = check(0, 5, 1, 3, 2, 4, 5);
    assertThat(result.ok()).isFalse();
    assertThat(result.reorders()).isEqualTo(1);
    assertThat(result.gaps()).isZero();
    assertThat(result.duplicates()).isZero();
  }

  @Test
  void aLateDuplicateCountsOnlyAsDuplicate() {
    SeqChecker.Result result = check(0, 3, 1, 2, 3, 1);
    assertThat(result.duplicates()).isEqualTo(1);
    assertThat(result.reorders()).isZero();
  }

  @Test
  void seqsBeyondTheLastAcknowledgedAreExpectedToo() {
    SeqChecker checker = new SeqChecker(0);
    checker.accept(1);
    checker.accept(3);
    SeqChecker.Result result = checker.result(1);
    assertThat(result.expected()).isEqualTo(3);
    assertThat(result.gaps()).isEqualTo(1);
  }

  @Test
  void resultsSumAcrossSubscribers() {
    SeqChecker.Result sum = check(0, 2, 1, 2).plus(check(0, 2, 2)).plus(check(0, 2, 1, 1, 2));
    assertThat(sum.subscribers()).isEqualTo(3);
    assertThat(sum.failing()).isEqualTo(2);
    assertThat(sum.gaps()).isEqualTo(1);
    assertThat(sum.duplicates()).isEqualTo(1);
    assertThat(sum.ok()).isFalse();
  }
}
