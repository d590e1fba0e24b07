package dev.troupe.shared.contract;

import java.util.List;

/** The committed documents of a {@link PutMany}, in the order written. */
public record PutManyResult(List<PutResult> items) {
  public PutManyResult {
    items = List.copyOf(items);
  }
}
