package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A fork-join read of several documents ({@code _mget}). With {@code partial}, a part that fails is
 * reported in the result instead of failing the whole call.
 */
public record MultiGet(KeyBatch keys, boolean partial) {
  public MultiGet {
    Objects.requireNonNull(keys, "keys");
  }
}
