package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ZipfKeysTest {

  @Test
  @DisplayName(
      "Zipf draws stay in range and follow 1/(k+1)^s: the most popular key drawn as often as predicted")
  void followsTheDistribution() {
    int n = 100;
    double s = 0.99;
    ZipfKeys zipf = new ZipfKeys(n, s, 42);
    int draws = 200_000;
    int[] counts = new int[n];
    for (int i = 0; i < draws; i++) {
      int k = zipf.next();
      assertThat(k).isBetween(0, n - 1);
      counts[k]++;
    }
    double harmonic = 0;
    for (int k = 1; k <= n; k++) {
      harmonic += 1 / Math.pow(k, s);
    }
    assertThat(zipf.probability(0)).isCloseTo(1 / harmonic, within(1e-9));
    for (int k : new int[] {0, 1, 4, 9, 49}) {
      double expected = draws * zipf.probability(k);
      // ~5 standard deviations of a binomial count
      assertThat((double) counts[k])
          .as("draws of key %d", k)
          .isCloseTo(expected, within(5 * Math.sqrt(expected) + 1));
    }
    assertThat(counts[0]).isGreaterThan(counts[1]).isGreaterThan(counts[9]);
    assertThat((double) counts[0] / counts[9]).isCloseTo(Math.pow(10, s), within(1.5));
  }

  @Test
  @DisplayName("the same seed draws the same keys, so runs are repeatable")
  void seeded() {
    ZipfKeys a = new ZipfKeys(1000, 0.99, 7);
    ZipfKeys b = new ZipfKeys(1000, 0.99, 7);
    for (int i = 0; i < 1000; i++) {
      assertThat(a.next()).isEqualTo(b.next());
    }
  }
}
