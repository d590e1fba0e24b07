package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class StatsTest {

  @Test
  @DisplayName(
      "percentiles of a histogram in microseconds come out in milliseconds, to 3 significant digits")
  void percentilesInMilliseconds() {
    Histogram h = Stats.newHistogram();
    for (long ms = 1; ms <= 1000; ms++) {
      h.recordValue(ms * 1000);
    }
    Latency l = Latency.ofMicros(h);
    assertThat(l.p50()).isCloseTo(500, within(0.5));
    assertThat(l.p90()).isCloseTo(900, within(0.9));
    assertThat(l.p99()).isCloseTo(990, within(1.0));
    assertThat(l.p999()).isCloseTo(999, within(1.0));
    assertThat(l.max()).isCloseTo(1000, within(1.0));
    assertThat(l.mean()).isCloseTo(500.5, within(0.5));
  }

  @Test
  @DisplayName("an empty histogram gives zero latencies instead of failing")
  void emptyHistogram() {
    assertThat(Latency.ofMicros(Stats.newHistogram())).isEqualTo(Latency.NONE);
  }

  @Test
  @DisplayName("merging the stats of two event loops adds counts, histograms and error kinds")
  void merge() {
    Stats a = new Stats();
    a.response(200, true, "HIT", 100, 90, 10);
    a.response(503, false, null, 5_000, 4_000, 20);
    a.failure(Stats.IO, 1, 30);
    Stats b = new Stats();
    b.response(200, true, "MISS", 300, 250, 40);
    b.failure(Stats.TIMEOUT, 10_000_000, 50);

    Stats total = new Stats();
    total.add(a.copy());
    total.add(b);

    assertThat(total.ok).isEqualTo(2);
    assertThat(total.responses).isEqualTo(3);
    assertThat(total.requests()).as("3 answers and 2 failures").isEqualTo(5);
    assertThat(total.errors)
        .containsEntry("503", 1L)
        .containsEntry(Stats.IO, 1L)
        .containsEntry(Stats.TIMEOUT, 1L);
    assertThat(total.errorCount()).isEqualTo(3);
    assertThat(total.cache).containsEntry("HIT", 1L).containsEntry("MISS", 1L);
    assertThat(total.latency.getTotalCount())
        .as("3 answers and the timeout, not the refused connection")
        .isEqualTo(4);
    assertThat(total.latency.getMaxValue()).isBetween(9_990_000L, 10_010_000L);
    assertThat(total.lastCompletionNanos).isEqualTo(50);
  }

  @Test
  @DisplayName(
      "only answers other than 503 are admitted, and a 503 without Retry-After is counted, before and after a merge")
  void admittedAndShed() {
    Stats a = new Stats();
    a.response(200, true, null, true, 40_000, 39_000, 1);
    a.response(503, false, null, true, 100, 90, 2);
    a.response(503, false, null, false, 200, 190, 3);
    a.response(500, false, null, false, 60_000, 59_000, 4);
    a.failure(Stats.TIMEOUT, 10_000_000, 5);
    a.failure(Stats.IO, 1, 6);
    Stats b = new Stats();
    b.response(503, false, null, false, 300, 290, 7);

    Stats total = a.copy();
    total.add(b);

    assertThat(total.latency.getTotalCount()).as("4 + 1 answers and the timeout").isEqualTo(6);
    assertThat(total.admitted.getTotalCount()).as("the 200 and the 500").isEqualTo(2);
    assertThat(total.admitted.getMaxValue()).isBetween(59_900L, 60_100L);
    assertThat(total.noRetryAfter).isEqualTo(2);
    assertThat(Latency.ofMicros(total.admitted).p50()).isCloseTo(40, within(0.1));
  }

  @Test
  @DisplayName("a ratio to a baseline that measured nothing is absent, not infinite")
  void ratio() {
    assertThat(Baselines.ratio(500, 1000)).isEqualTo(0.5);
    assertThat(Baselines.ratio(500, 0)).isNull();
  }

  @Test
  @DisplayName(
      "the open-loop schedule puts request i at start + i / rate, independent of what happened before")
  void schedule() {
    double period = 1e9 / 2000;
    assertThat(Pacer.intendedStart(1_000, period, 0)).isEqualTo(1_000);
    assertThat(Pacer.intendedStart(1_000, period, 1)).isEqualTo(1_000 + 500_000);
    assertThat(Pacer.intendedStart(0, period, 2000)).isEqualTo(1_000_000_000L);
    assertThat(Pacer.intendedStart(0, 1e9 / 3, 3)).isEqualTo(1_000_000_000L);
  }
}
