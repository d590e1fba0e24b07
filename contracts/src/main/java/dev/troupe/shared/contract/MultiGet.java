package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * A fork-join read of several documents ({@code _mget}). With {@code partial}, a part that fails is
 * reported in the result instead of failing the whole call. With {@code encoded}, the answer is an
 * {@link EncodedMultiGetResult} (documents as JSON text) instead of a {@link MultiGetResult}.
 */
public record MultiGet(KeyBatch keys, boolean partial, boolean encoded) {
  public MultiGet {
    Objects.requireNonNull(keys, "keys");
  }

  /** A read answered with documents as JSON objects. */
  public MultiGet(KeyBatch keys, boolean partial) {
    this(keys, partial, false);
  }
}
