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
  /** The documented patterns; {@link #isCollection} and {@link #isId} are their fast equivalents. */
  static final Pattern COLLECTION = Pattern.compile("[a-z0-9][a-z0-9_-]{0,63}");
  static final Pattern ID = Pattern.compile("[A-Za-z0-9._~-]{1,128}");

  public DocKey {
    requireCollection(collection);
    requireId(id);
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code collection} is a valid collection name. */
  public static String requireCollection(String collection) {
    if (collection == null || !isCollection(collection)) {
      throw TroupeException.badRequest(
          "collection must match ^[a-z0-9][a-z0-9_-]{0,63}$, got " + quote(collection));
    }
    return collection;
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code id} is a valid document id. */
  public static String requireId(String id) {
    if (id == null || !isId(id) || ".".equals(id) || "..".equals(id)) {
      throw TroupeException.badRequest(
          "id must be 1 to 128 characters of [A-Za-z0-9._~-] (and not . or ..), got " + quote(id));
    }
    return id;
  }

  // Hand-written equivalents of the patterns: ids are checked at every hop of every request, where a
  // regex matcher per id cost more than the rest of the check (an _mget checks 1,000 ids per hop).
  static boolean isCollection(String s) {
    int n = s.length();
    if (n < 1 || n > 64 || !lowerOrDigit(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = s.charAt(i);
      if (!lowerOrDigit(c) && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  static boolean isId(String s) {
    int n = s.length();
    if (n < 1 || n > 128) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (!lowerOrDigit(c) && !(c >= 'A' && c <= 'Z') && c != '.' && c != '_' && c != '~' && c != '-') {
        return false;
      }
    }
    return true;
  }

  private static boolean lowerOrDigit(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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
