package dev.troupe.shared.contract;

import java.util.List;

/**
 * A page of documents in id order; {@code next} is the {@code after} of the next page, or null at
 * the end.
 */
public record DocPage(List<Document> items, String next) {
  public DocPage {
    items = List.copyOf(items);
  }
}
