package dev.troupe.gateway;

import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.TroupeException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses {@code If-Match} / {@code If-None-Match} into preconditions. Troupe's ETags are {@code
 * "<version>"}.
 */
final class EntityTags {
  private static final Pattern TAG = Pattern.compile("\\s*(W/)?\"([^\"]*)\"\\s*");

  private EntityTags() {}

  /** The precondition of a write from its {@code If-Match} and {@code If-None-Match} headers. */
  static Precondition writePrecondition(String ifMatch, String ifNoneMatch) {
    boolean noneMatchAny = false;
    if (ifNoneMatch != null) {
      if (!"*".equals(ifNoneMatch.trim())) {
        throw TroupeException.badRequest("on writes, If-None-Match supports only *");
      }
      noneMatchAny = true;
    }
    if (ifMatch == null) {
      return noneMatchAny ? Precondition.ifNoneMatchAny() : Precondition.NONE;
    }
    if ("*".equals(ifMatch.trim())) {
      return new Precondition(null, true, noneMatchAny);
    }
    List<Tag> tags = parse(ifMatch, "If-Match");
    if (tags.size() != 1 || tags.get(0).weak()) {
      throw TroupeException.badRequest("If-Match must be * or one strong ETag such as \"3\"");
    }
    return new Precondition(version(tags.get(0).value(), "If-Match"), false, noneMatchAny);
  }

  /**
   * Parses a read's {@code If-None-Match} (failing fast on a malformed one) into a test of whether
   * the client's copy is current at a version (weak comparison).
   */
  static LongPredicate noneMatch(String ifNoneMatch) {
    if (ifNoneMatch == null) {
      return version -> false;
    }
    if ("*".equals(ifNoneMatch.trim())) {
      return version -> true;
    }
    List<String> values = parse(ifNoneMatch, "If-None-Match").stream().map(Tag::value).toList();
    return version -> values.contains(Long.toString(version));
  }

  /**
   * True when {@code If-None-Match} (weak comparison) matches {@code version}: the client's copy is
   * current.
   */
  static boolean noneMatchHits(String ifNoneMatch, long version) {
    return noneMatch(ifNoneMatch).test(version);
  }

  private static List<Tag> parse(String header, String name) {
    List<Tag> tags = new ArrayList<>();
    for (String part : header.split(",", -1)) {
      Matcher m = TAG.matcher(part);
      if (!m.matches()) {
        throw TroupeException.badRequest(
            name + " must be * or a list of quoted ETags such as \"3\"");
      }
      tags.add(new Tag(m.group(1) != null, m.group(2)));
    }
    return tags;
  }

  private static long version(String value, String name) {
    try {
      long v = Long.parseLong(value);
      // Strong comparison is character by character: "03" is not the tag of version 3.
      if (v >= 1 && Long.toString(v).equals(value)) {
        return v;
      }
    } catch (NumberFormatException e) {
      // fall through to the error below
    }
    throw TroupeException.badRequest(
        name + " must name a version such as \"3\", got \"" + value + "\"");
  }

  private record Tag(boolean weak, String value) {}
}
