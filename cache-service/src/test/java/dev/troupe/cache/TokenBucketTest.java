package dev.troupe.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The bucket arithmetic, with the time chosen by the test. */
@DisplayName("TokenBucket")
class TokenBucketTest {
  private static final double RATE = 2.0;
  private static final int BURST = 10;

  @Test
  @DisplayName("an absent bucket is full; need is granted only in whole tokens, never below zero")
  void grantsWholeTokensOnly() {
    TokenBucket.Take first = TokenBucket.take(null, 1_000, RATE, BURST, 7, 0, 0);
    assertThat(first.granted()).isEqualTo(7);
    assertThat(first.tokensAfter()).isEqualTo(3.0);
    TokenBucket.Take second = TokenBucket.take(first.next(), 1_000, RATE, BURST, 7, 0, 0);
    assertThat(second.granted()).isEqualTo(3);
    assertThat(second.tokensAfter()).isZero();
    TokenBucket.Take third = TokenBucket.take(second.next(), 1_200, RATE, BURST, 1, 0, 0);
    assertThat(third.granted()).as("0.4 of a token after 200 ms at 2/s").isZero();
    assertThat(third.tokensAfter()).isCloseTo(0.4, within(1e-9));
  }

  @Test
  @DisplayName("refills at the rate, up to the burst, and time running backwards adds nothing")
  void refills() {
    TokenBucket empty = new TokenBucket(0, 10_000);
    assertThat(TokenBucket.level(empty, 11_500, RATE, BURST)).isCloseTo(3.0, within(1e-9));
    assertThat(TokenBucket.level(empty, 60_000, RATE, BURST)).isEqualTo(BURST);
    assertThat(TokenBucket.level(empty, 9_000, RATE, BURST))
        .as("another node's clock behind")
        .isZero();
    TokenBucket.Take take = TokenBucket.take(empty, 9_000, RATE, BURST, 0, 0, 1);
    assertThat(take.next().updatedMs()).as("the bucket's time never moves back").isEqualTo(10_000);
  }

  @Test
  @DisplayName("extra tokens come only from the upper half of what is left after the need")
  void extraFromUpperHalf() {
    TokenBucket.Take take = TokenBucket.take(new TokenBucket(5, 0), 0, RATE, BURST, 1, 10, 0);
    assertThat(take.granted()).as("1 needed + floor(4 / 2) ahead").isEqualTo(3);
    assertThat(take.tokensAfter()).isEqualTo(2.0);
    TokenBucket.Take low = TokenBucket.take(new TokenBucket(1.5, 0), 0, RATE, BURST, 0, 5, 0);
    assertThat(low.granted()).as("the last token is kept for a request that needs it").isZero();
  }

  @Test
  @DisplayName("given-back tokens return up to the burst, and a full bucket is dropped")
  void giveBack() {
    TokenBucket.Take back = TokenBucket.take(new TokenBucket(8, 0), 0, RATE, BURST, 0, 0, 5);
    assertThat(back.granted()).isZero();
    assertThat(back.tokensAfter()).isEqualTo(BURST);
    assertThat(back.next()).as("full: the entry can go").isNull();
    assertThat(TokenBucket.secondsUntilFull(4, RATE, BURST)).isEqualTo(3);
    assertThat(TokenBucket.secondsUntilFull(BURST, RATE, BURST)).isZero();
  }
}
