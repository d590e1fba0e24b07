package dev.troupe.shared.contract;

import java.util.LinkedHashSet;
import java.util.List;

/**
 * Several ids of one collection, as one request: the body of the {@code getMany} actions. Ids are
 * checked like {@link DocKey}'s; duplicates are dropped, the first occurrence keeps its place.
 */
public record KeyBatch(String collection, List<String> ids) {
  /** The most ids one batch may name. */
  public static final int MAX_IDS = 1000;

  public KeyBatch {
    DocKey.requireCollection(collection);
    if (ids == null || ids.isEmpty() || ids.size() > MAX_IDS) {
      throw TroupeException.badRequest(
          "ids must name 1 to "
              + MAX_IDS
              + " documents, got "
              + (ids == null ? "none" : ids.size()));
    }
    for (String id : ids) {
      DocKey.requireId(id);
    }
    ids = List.copyOf(new LinkedHashSet<>(ids));
  }

  public DocKey key(int index) {
    return new DocKey(collection, ids.get(index));
  }

  /** The ids from {@code from} (inclusive) to {@code to} (exclusive), as a batch of their own. */
  public KeyBatch slice(int from, int to) {
    return new KeyBatch(collection, ids.subList(from, to));
  }
}
