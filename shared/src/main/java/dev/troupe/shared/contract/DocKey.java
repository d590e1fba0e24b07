package dev.troupe.shared.contract;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The identity of a document: a collection name and an id inside it.
 *
 * <p>Names are checked here once for every sender, in any language: a collection matches
 * {@code ^[a-z0-9][a-z0-9_-]{0,63}$} and an id is 1 to 128 characters of {@code [A-Za-z0-9._~-]}
 * (the URL-safe unreserved set, so ids never need escaping in a path).
 */
public record DocKey(String collection, String id) {
  private static final Pattern COLLECTION = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  public DocKey {
    requireCollection(collection);
    requireId(id);
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code collection} is a valid collection name. */
  public static String requireCollection(String collection) {
    if (collection == null || !COLLECTION.matcher(collection).matches()) {
      throw TroupeException.badRequest(
          "collection must match ^[a-z0-9][a-z0-9_-]{0,63}$, got " + quote(collection));
    }
    return collection;
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code id} is a valid document id. */
  public static String requireId(String id) {
    if (id == null || !ID.matcher(id).matches() || ".".equals(id) || "..".equals(id)) {
      throw TroupeException.badRequest(
          "id must be 1 to 128 characters of [A-Za-z0-9._~-] (and not . or ..), got " + quote(id));
    }
    return id;
  }

  private static String quote(String s) {
    if (s == null) {
      return "nothing";
    }
    String shown = s.length() > 80 ? s.substring(0, 80) + "..." : s;
    return '"' + shown.replaceAll("[\\p{Cntrl}\\p{Zl}\\p{Zp}\\u0085]", "?") + '"';
  }

  @Override
  public String toString() {
    return collection + "/" + id;
  }

  /** A stable string form, used as the cache key. */
  public String asString() {
    return toString();
  }

  public static DocKey of(String collection, String id) {
    return new DocKey(Objects.requireNonNull(collection), Objects.requireNonNull(id));
  }
}
