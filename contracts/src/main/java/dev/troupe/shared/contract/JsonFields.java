package dev.troupe.shared.contract;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The one strict reader of bus bodies: every codec of every contract family reads its fields
 * through these. Senders in other languages build the bodies by hand, so a field of the wrong type
 * is a {@link ErrorCode#BAD_REQUEST} naming the field, never a silent default. The rules, once:
 *
 * <ul>
 *   <li>an integer is a JSON number without a fraction ({@code 5} and {@code 5.0}), below 9e15 in
 *       magnitude when it arrived as a floating-point number (beyond that a double is no longer
 *       exact);
 *   <li>an instant is an ISO-8601 instant as {@link Instant#toString()} writes it, parsed by {@link
 *       Instants};
 *   <li>a missing field is absent only where a method says so ({@code optional...}, or a default).
 * </ul>
 */
public final class JsonFields {
  /** Beyond this magnitude a floating-point number is no longer an exact integer. */
  private static final double MAX_EXACT = 9.0e15;

  private JsonFields() {}

  /** A string field. */
  public static String string(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof String s)) {
      throw TroupeException.badRequest(field + " must be a string");
    }
    return s;
  }

  /** A string field, or null when absent. */
  public static String optionalString(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v != null && !(v instanceof String)) {
      throw TroupeException.badRequest(field + " must be a string or null");
    }
    return (String) v;
  }

  /** An array of strings. */
  public static List<String> strings(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof JsonArray array)) {
      throw TroupeException.badRequest(field + " must be an array of strings");
    }
    List<String> values = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof String s)) {
        throw TroupeException.badRequest(field + "[" + i + "] must be a string");
      }
      values.add(s);
    }
    return values;
  }

  /** An array of JSON objects. */
  public static List<JsonObject> objects(JsonObject json, String field) {
    if (!(json.getValue(field) instanceof JsonArray array)) {
      throw TroupeException.badRequest(field + " must be an array of objects");
    }
    List<JsonObject> values = new ArrayList<>(array.size());
    for (int i = 0; i < array.size(); i++) {
      if (!(array.getValue(i) instanceof JsonObject o)) {
        throw TroupeException.badRequest(field + "[" + i + "] must be a JSON object");
      }
      values.add(o);
    }
    return values;
  }

  /** An array of JSON objects, or an empty list when absent. */
  public static List<JsonObject> optionalObjects(JsonObject json, String field) {
    return json.getValue(field) == null ? List.of() : objects(json, field);
  }

  /** An integer field. */
  public static long longValue(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
      return ((Number) v).longValue();
    }
    if (v instanceof Number n
        && n.doubleValue() == Math.rint(n.doubleValue())
        && Math.abs(n.doubleValue()) < MAX_EXACT) {
      return n.longValue();
    }
    throw TroupeException.badRequest(field + " must be an integer");
  }

  /** An integer field, or {@code absent} when the field is missing or null. */
  public static long longValue(JsonObject json, String field, long absent) {
    return json.getValue(field) == null ? absent : longValue(json, field);
  }

  /** A 32-bit integer field. */
  public static int intValue(JsonObject json, String field) {
    long v = longValue(json, field);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw TroupeException.badRequest(field + " must be a 32-bit integer");
    }
    return (int) v;
  }

  /** A 32-bit integer field, or {@code absent} when the field is missing or null. */
  public static int intValue(JsonObject json, String field, int absent) {
    return json.getValue(field) == null ? absent : intValue(json, field);
  }

  /** A finite number. */
  public static double number(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue())) {
      throw TroupeException.badRequest(field + " must be a finite number");
    }
    return n.doubleValue();
  }

  /** A boolean field; false when absent. */
  public static boolean bool(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (v == null) {
      return false;
    }
    if (!(v instanceof Boolean b)) {
      throw TroupeException.badRequest(field + " must be a boolean");
    }
    return b;
  }

  /** A JSON object field. */
  public static JsonObject object(JsonObject json, String field) {
    Object v = json.getValue(field);
    if (!(v instanceof JsonObject o)) {
      throw TroupeException.badRequest(field + " must be a JSON object");
    }
    return o;
  }

  /** A JSON object field, or null when absent or null. */
  public static JsonObject optionalObject(JsonObject json, String field) {
    return json.getValue(field) == null ? null : object(json, field);
  }

  /** An ISO-8601 instant. */
  public static Instant instant(JsonObject json, String field) {
    String s = string(json, field);
    try {
      return Instants.parse(s);
    } catch (DateTimeParseException e) {
      throw TroupeException.badRequest(
          field + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
    }
  }

  /** An ISO-8601 instant, or null when absent or null. */
  public static Instant optionalInstant(JsonObject json, String field) {
    return json.getValue(field) == null ? null : instant(json, field);
  }

  /** How an instant is written: exactly {@link Instant#toString()}, without its formatter. */
  public static String text(Instant instant) {
    return Instants.format(instant);
  }
}
