package dev.troupe.db;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowIterator;
import io.vertx.sqlclient.RowSet;
import java.io.IOException;
import java.io.Reader;
import java.sql.Clob;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * The SQL toolkit under the stores. Statements are written once with {@code ?} placeholders and
 * turned into the database's dialect here; values cross between Java and the columns here, whatever
 * the driver hands back: H2 (JDBC) reads a {@code TEXT} column as a {@link Clob} and a timestamp as
 * one of several types, PostgreSQL (reactive) as a {@code String} and an {@link OffsetDateTime}.
 */
final class Sql {
  private static final Pattern WORD = Pattern.compile("[a-z_]+");

  private final UnaryOperator<String> dialect;

  /** A toolkit for the database whose SQL {@code dialect} makes of a {@code ?} statement. */
  Sql(UnaryOperator<String> dialect) {
    this.dialect = dialect;
  }

  /** {@code statement}, written with {@code ?} placeholders, in the database's SQL. */
  String statement(String statement) {
    return dialect.apply(statement);
  }

  /**
   * A statement with an IN list: {@code template} holds one {@code %s} for the list, each of whose
   * entries is {@code entry} (such as {@code "(?, ?)"}).
   */
  InList inList(String template, String entry) {
    return new InList(template, entry);
  }

  /**
   * The statements of one IN-list shape by size class: a list of {@code n} entries is padded to the
   * next power of two ({@link #padded}), so a few prepared statements serve every size.
   */
  final class InList {
    private final String template;
    private final String entry;
    private final ConcurrentHashMap<Integer, String> bySlots = new ConcurrentHashMap<>();

    private InList(String template, String entry) {
      this.template = template;
      this.entry = entry;
    }

    /** The statement for {@code n} entries (one or more), padded. */
    String sql(int n) {
      return bySlots.computeIfAbsent(
          slots(n),
          k -> statement(template.formatted(String.join(", ", Collections.nCopies(k, entry)))));
    }
  }

  /** The next power of two from {@code n}: the entries of an IN list of {@code n}. */
  static int slots(int n) {
    return 1 << (32 - Integer.numberOfLeadingZeros(Math.max(1, n) - 1));
  }

  /** {@code items} (one or more) padded to {@link #slots} entries by repeating the last. */
  static <T> List<T> padded(List<T> items) {
    int n = slots(items.size());
    List<T> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(items.get(Math.min(i, items.size() - 1)));
    }
    return out;
  }

  /**
   * A word composed into a statement as a string literal (a state's name): only lowercase letters
   * and underscores, so it needs no escaping and cannot change what the statement does.
   */
  static String literal(String word) {
    if (!WORD.matcher(word).matches()) {
      throw new IllegalArgumentException("not a plain word for a SQL literal: " + word);
    }
    return "'" + word + "'";
  }

  /** {@code words} as a parenthesised list of literals, for {@code IN}. */
  static String literals(Collection<String> words) {
    List<String> quoted = new ArrayList<>(words.size());
    words.forEach(w -> quoted.add(literal(w)));
    return "(" + String.join(", ", quoted) + ")";
  }

  /** The first row, or null when there is none. */
  static Row first(RowSet<Row> rows) {
    RowIterator<Row> it = rows.iterator();
    return it.hasNext() ? it.next() : null;
  }

  /** The clock's time to the millisecond: what a timestamp column keeps of it. */
  static Instant now(Clock clock) {
    return clock.instant().truncatedTo(ChronoUnit.MILLIS);
  }

  /** An instant as a timestamp column's value (UTC). */
  static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }

  /** A timestamp column's value as an instant. */
  static Instant instant(Object value) {
    if (value instanceof OffsetDateTime odt) {
      return odt.toInstant();
    }
    if (value instanceof Timestamp ts) {
      return ts.toInstant();
    }
    if (value instanceof LocalDateTime ldt) {
      return ldt.toInstant(ZoneOffset.UTC);
    }
    if (value instanceof Instant i) {
      return i;
    }
    throw new IllegalStateException(
        "unexpected timestamp type " + (value == null ? null : value.getClass()));
  }

  /** A nullable timestamp column's value as an instant, or null. */
  static Instant optionalInstant(Object value) {
    return value == null ? null : instant(value);
  }

  /** A {@code TEXT} column's value, or null. */
  static String text(Object value) {
    if (value == null || value instanceof String) {
      return (String) value;
    }
    if (value instanceof Clob clob) {
      try (Reader reader = clob.getCharacterStream()) {
        StringBuilder sb = new StringBuilder((int) Math.min(clob.length(), Integer.MAX_VALUE));
        char[] buf = new char[8192];
        for (int n; (n = reader.read(buf)) > 0; ) {
          sb.append(buf, 0, n);
        }
        return sb.toString();
      } catch (SQLException | IOException e) {
        throw new IllegalStateException("cannot read a stored text", e);
      }
    }
    throw new IllegalStateException("unexpected text type " + value.getClass());
  }

  /** A JSON column's value (never null): a document's or a state's data. */
  static JsonObject json(Object value) {
    if (value == null) {
      throw new IllegalStateException("unexpected data type null");
    }
    return new JsonObject(text(value));
  }

  /** {@code data} as a JSON column's value. */
  static String jsonColumn(JsonObject data) {
    return data.encode();
  }

  /** A failed future with {@code failure} as a Troupe error ({@link SqlErrors#classify}). */
  static <T> Future<T> failed(Throwable failure) {
    return Future.failedFuture(SqlErrors.classify(failure));
  }
}
