package dev.troupe.shared.contract;

import java.util.Objects;

/**
 * The identity of a document: a collection name and an id inside it.
 *
 * <p>Names are checked here once for every sender, in any language: a collection matches {@code
 * ^[a-z0-9][a-z0-9_-]{0,63}$} and an id is 1 to 128 characters of {@code [A-Za-z0-9._~-]} (the
 * URL-safe unreserved set, so ids never need escaping in a path).
 *
 * <p>Some names are reserved ({@link #isReserved}): collections whose name starts with {@value
 * #RESERVED_PREFIX} or {@value #LEGACY_ACTOR_PREFIX}, and {@value #LEGACY_CHAT_MESSAGES}. Troupe's
 * own state (actor state, chat messages) is not a document and lives in tables of its own; these
 * names are refused with {@link ErrorCode#FORBIDDEN} (HTTP 403) by every public entry (document
 * routes, batches, jobs, change streams, the bridges), since every one of them names its collection
 * through this class. The last two are where earlier builds kept that state as documents.
 */
public record DocKey(String collection, String id) {
  private static final int MAX_COLLECTION = 64;
  private static final int MAX_ID = 128;

  /** Collection names starting with this are reserved for Troupe, now and in future versions. */
  public static final String RESERVED_PREFIX = "troupe-";

  /** Reserved: earlier builds kept actor state as documents in {@code actor-<type>}. */
  public static final String LEGACY_ACTOR_PREFIX = "actor-";

  /** Reserved: earlier builds kept chat messages as documents in this collection. */
  public static final String LEGACY_CHAT_MESSAGES = "chat-messages";

  public DocKey {
    requireCollection(collection);
    requireId(id);
  }

  /**
   * Fails with {@link ErrorCode#BAD_REQUEST} unless {@code collection} is a valid collection name,
   * and with {@link ErrorCode#FORBIDDEN} when it is a reserved one ({@link #isReserved}).
   */
  public static String requireCollection(String collection) {
    if (!isCollection(collection)) {
      throw TroupeException.badRequest(
          "collection must match ^[a-z0-9][a-z0-9_-]{0,63}$, got " + quote(collection));
    }
    if (isReserved(collection)) {
      throw new TroupeException(
          ErrorCode.FORBIDDEN,
          "collection "
              + quote(collection)
              + " is reserved: names starting with '"
              + RESERVED_PREFIX
              + "' or '"
              + LEGACY_ACTOR_PREFIX
              + "', and '"
              + LEGACY_CHAT_MESSAGES
              + "', are Troupe's own and no document lives there");
    }
    return collection;
  }

  /**
   * Whether {@code collection} is reserved for Troupe: it starts with {@value #RESERVED_PREFIX} or
   * {@value #LEGACY_ACTOR_PREFIX}, or is {@value #LEGACY_CHAT_MESSAGES}.
   */
  public static boolean isReserved(String collection) {
    return collection.startsWith(RESERVED_PREFIX)
        || collection.startsWith(LEGACY_ACTOR_PREFIX)
        || collection.equals(LEGACY_CHAT_MESSAGES);
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code id} is a valid document id. */
  public static String requireId(String id) {
    if (!isId(id) || ".".equals(id) || "..".equals(id)) {
      throw TroupeException.badRequest(
          "id must be 1 to 128 characters of [A-Za-z0-9._~-] (and not . or ..), got " + quote(id));
    }
    return id;
  }

  // Every service checks every key it receives, several times per request: plain loops over the
  // characters instead of regular expressions (a Matcher per check was a tenth of a cache hit's
  // allocations). Same rules as the patterns in the class comment; DocKeyTest holds them to it.

  /** {@code [a-z0-9][a-z0-9_-]{0,63}}. */
  static boolean isCollection(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_COLLECTION || !lowerOrDigit(s.charAt(0))) {
      return false;
    }
    for (int i = 1; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!lowerOrDigit(c) && c != '_' && c != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code [A-Za-z0-9._~-]{1,128}}. */
  static boolean isId(String s) {
    if (s == null || s.isEmpty() || s.length() > MAX_ID) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!lowerOrDigit(c)
          && !(c >= 'A' && c <= 'Z')
          && c != '.'
          && c != '_'
          && c != '~'
          && c != '-') {
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
