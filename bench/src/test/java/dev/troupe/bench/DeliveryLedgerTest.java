package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class DeliveryLedgerTest {
  private static final long MS = 1_000_000;

  @Test
  @DisplayName("users are spread over the rooms in turn, so the first rooms get the extra member")
  void membership() {
    DeliveryLedger ledger = new DeliveryLedger(10, 4);
    assertThat(ledger.members(0)).isEqualTo(3);
    assertThat(ledger.members(1)).isEqualTo(3);
    assertThat(ledger.members(2)).isEqualTo(2);
    assertThat(ledger.members(3)).isEqualTo(2);
    assertThat(ledger.roomOf(9)).isEqualTo(1);
    assertThat(ledger.member(1, 2)).isEqualTo(9);
    assertThatThrownBy(() -> new DeliveryLedger(3, 4)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  @DisplayName(
      "each member's first frame of a measured post is timed from the send; nothing missing means settled")
  void exactlyOnce() {
    DeliveryLedger ledger = new DeliveryLedger(4, 2); // room 0: users 0, 2; room 1: users 1, 3
    ledger.posted(0, 0, 0, true);
    ledger.posted(1, 1, 10 * MS, true);
    ledger.delivered(0, 0, 1, 2 * MS);
    assertThat(ledger.settled()).isFalse(); // unanswered, and user 2 still owed
    ledger.answered(0, 201, null, 3 * MS);
    ledger.delivered(0, 2, 1, 5 * MS);
    ledger.delivered(1, 1, 1, 11 * MS);
    ledger.delivered(1, 3, 1, 14 * MS);
    ledger.answered(1, 201, null, 12 * MS);

    assertThat(ledger.settled()).isTrue();
    DeliveryLedger.Summary s = ledger.summary();
    assertThat(s.posts()).isEqualTo(2);
    assertThat(s.postsOk()).isEqualTo(2);
    assertThat(s.expected()).isEqualTo(4);
    assertThat(s.delivered()).isEqualTo(4);
    assertThat(s.lost()).isZero();
    assertThat(s.duplicates()).isZero();
    assertThat(s.latency().getTotalCount()).isEqualTo(4);
    assertThat(s.latency().getMaxValue())
        .isBetween(4990L, 5010L); // 5 ms - 0 ms (user 2, post 0), in µs
    assertThat(s.latency().getMinValue()).isBetween(995L, 1005L); // 11 ms - 10 ms
    assertThat(s.postLatency().getTotalCount()).isEqualTo(2);
    assertThat(s.postStatuses()).containsEntry("201", 2L);
    assertThat(s.postFailures()).isEmpty();
  }

  @Test
  @DisplayName(
      "a second frame to the same member is a duplicate, a missing one lost, a frame to a non-member unexpected")
  void lostDuplicatedUnexpected() {
    DeliveryLedger ledger = new DeliveryLedger(6, 2); // room 0: users 0, 2, 4
    ledger.posted(7, 0, 0, true);
    ledger.answered(7, 201, null, MS);
    ledger.delivered(7, 0, 1, MS);
    ledger.delivered(7, 0, 1, 2 * MS);
    ledger.delivered(7, 2, 1, 2 * MS);
    ledger.delivered(7, 1, 1, 2 * MS); // user 1 is in room 1
    ledger.delivered(99, 4, 1, 2 * MS); // no such post
    ledger.unexpected(); // a frame that names no post

    assertThat(ledger.settled()).isFalse();
    DeliveryLedger.Summary s = ledger.summary();
    assertThat(s.expected()).isEqualTo(3);
    assertThat(s.delivered()).isEqualTo(2);
    assertThat(s.lost()).isEqualTo(1);
    assertThat(s.duplicates()).isEqualTo(1);
    assertThat(s.unexpected()).isEqualTo(3);
    assertThat(s.latency().getTotalCount()).isEqualTo(2);
  }

  @Test
  @DisplayName(
      "warm-up posts are neither timed nor owed; a failed post is owed to nobody; an unanswered one is unfinished")
  void warmUpAndFailures() {
    DeliveryLedger ledger = new DeliveryLedger(2, 1);
    ledger.posted(0, 0, 0, false); // warm-up: delivered to one member only, twice
    ledger.answered(0, 201, null, MS);
    ledger.delivered(0, 0, 1, MS);
    ledger.delivered(0, 0, 1, MS);
    ledger.posted(1, 0, 0, true); // failed: nobody gets it
    ledger.answered(1, 503, null, MS);
    ledger.posted(2, 0, 0, true); // failed without an answer
    ledger.answered(2, 0, Stats.TIMEOUT, MS);
    ledger.posted(3, 0, 0, true); // never answered
    ledger.delivered(3, 0, 2, 3 * MS);
    ledger.delivered(3, 1, 2, 3 * MS);

    assertThat(ledger.settled()).isFalse();
    DeliveryLedger.Summary s = ledger.summary();
    assertThat(s.posts()).isEqualTo(3);
    assertThat(s.postsOk()).isZero();
    assertThat(s.postsFailed()).isEqualTo(3);
    assertThat(s.expected()).isZero();
    assertThat(s.lost()).isZero();
    assertThat(s.duplicates()).isZero();
    assertThat(s.unexpected()).isZero();
    assertThat(s.postFailures())
        .containsEntry("503", 1L)
        .containsEntry(Stats.TIMEOUT, 1L)
        .containsEntry(Stats.UNFINISHED, 1L);
    assertThat(s.postStatuses()).containsOnlyKeys("503");
    assertThat(s.latency().getTotalCount()).isEqualTo(2); // post 3 reached both, answer or not
  }

  @Test
  @DisplayName("a member's frame numbered below one it already got is counted as reordered")
  void reordered() {
    DeliveryLedger ledger = new DeliveryLedger(1, 1);
    ledger.posted(0, 0, 0, true);
    ledger.posted(1, 0, 0, true);
    ledger.delivered(1, 0, 2, MS);
    ledger.delivered(0, 0, 1, MS);
    assertThat(ledger.summary().reordered()).isEqualTo(1);
    assertThatThrownBy(() -> ledger.posted(0, 0, 0, true))
        .isInstanceOf(IllegalStateException.class);
  }
}
