package dev.troupe.shared.contract;

import java.util.List;

/**
 * Line errors of an import by line number.
 *
 * @param items the errors of this page
 * @param next the {@code after} of the next page, or null after the last
 */
public record JobErrorsPage(List<ChunkOutcome.LineError> items, Long next) {
  public JobErrorsPage {
    items = List.copyOf(items);
  }
}
