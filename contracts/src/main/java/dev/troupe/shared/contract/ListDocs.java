package dev.troupe.shared.contract;

/**
 * One page of a collection in id order: up to {@code limit} documents whose id is greater than
 * {@code after} ({@code null} for the first page).
 */
public record ListDocs(String collection, int limit, String after) {
  public static final int DEFAULT_LIMIT = 50;
  public static final int MAX_LIMIT = 1000;

  public ListDocs {
    DocKey.requireCollection(collection);
    if (limit < 1 || limit > MAX_LIMIT) {
      throw TroupeException.badRequest(
          "limit must be between 1 and " + MAX_LIMIT + ", got " + limit);
    }
    if (after != null) {
      try {
        DocKey.requireId(after);
      } catch (TroupeException e) {
        throw TroupeException.badRequest("after must be a document id: " + e.getMessage());
      }
    }
  }
}
