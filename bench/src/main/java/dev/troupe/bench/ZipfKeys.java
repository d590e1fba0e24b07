package dev.troupe.bench;

import org.apache.commons.math3.distribution.ZipfDistribution;
import org.apache.commons.math3.random.Well19937c;

/**
 * Key indexes 0..n-1 drawn from a Zipf distribution: index 0 is the most popular, index k has
 * weight 1/(k+1)^exponent. Not thread-safe: one per event loop.
 */
final class ZipfKeys {
  private final ZipfDistribution distribution;

  ZipfKeys(int n, double exponent, long seed) {
    // commons-math3 samples by rejection-inversion, O(1) per draw whatever n is.
    this.distribution = new ZipfDistribution(new Well19937c(seed), n, exponent);
  }

  int next() {
    return distribution.sample() - 1;
  }

  /** The probability of index {@code k}, for checks. */
  double probability(int k) {
    return distribution.probability(k + 1);
  }
}
