package dev.troupe.db;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.sqlclient.ClosedConnectionException;
import io.vertx.sqlclient.DatabaseException;
import java.net.ConnectException;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns database failures into Troupe errors by SQLSTATE, which H2 and PostgreSQL share. */
final class SqlErrors {
  private static final Logger LOG = LoggerFactory.getLogger(SqlErrors.class);

  /** SQLSTATE of a unique-key violation. */
  static final String UNIQUE_VIOLATION = "23505";

  private SqlErrors() {}

  static boolean isUniqueViolation(Throwable t) {
    return UNIQUE_VIOLATION.equals(sqlState(t));
  }

  /**
   * The database broke a lock cycle by rolling this transaction back (PostgreSQL 40P01, H2 40001):
   * nothing was written and trying again is the remedy.
   */
  static boolean isDeadlock(Throwable t) {
    String state = sqlState(t);
    return "40P01".equals(state) || "40001".equals(state);
  }

  /**
   * A lock wait gave up (H2 HYT00, PostgreSQL 55P03): a row of the transaction was held by another
   * one. Unlike a busy or unreachable database, that is a cause one write of a group brings along.
   */
  static boolean isLockTimeout(Throwable t) {
    String state = sqlState(t);
    return "HYT00".equals(state) || "55P03".equals(state);
  }

  static String sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SQLException sql && sql.getSQLState() != null) {
        return sql.getSQLState();
      }
      if (c instanceof DatabaseException db && db.getSqlState() != null) {
        return db.getSqlState();
      }
    }
    return null;
  }

  static TroupeException classify(Throwable t) {
    if (t instanceof TroupeException te) {
      return te;
    }
    String state = sqlState(t);
    // Lock wait timeouts (H2 HYT00, PostgreSQL 55P03), serialisation failures and deadlocks: the
    // transaction was rolled back and trying again is the remedy. H2 reports its lock timeout as an
    // SQLTimeoutException, so this comes before the statement timeout.
    if ("HYT00".equals(state)
        || "55P03".equals(state)
        || "40001".equals(state)
        || "40P01".equals(state)) {
      return new TroupeException(
          ErrorCode.UNAVAILABLE, "the database is busy with conflicting writes; retry", t);
    }
    if (t instanceof SQLTimeoutException || "57014".equals(state)) {
      return new TroupeException(
          ErrorCode.TIMEOUT, "the database did not finish the statement in time", t);
    }
    if (state != null
        && (state.startsWith("08")
            || state.startsWith("57P")
            || state.startsWith("53")
            || "90098".equals(state)
            || "90067".equals(state)
            || "90121".equals(state))) {
      return new TroupeException(ErrorCode.UNAVAILABLE, "the database is not available", t);
    }
    if (state != null && state.startsWith("23")) {
      return new TroupeException(ErrorCode.CONFLICT, "the write conflicts with stored data", t);
    }
    if (hasCause(t, ConnectException.class)
        || hasCause(t, ClosedConnectionException.class)
        || hasCause(t, TimeoutException.class)
        || isPoolTimeout(t)) {
      return new TroupeException(ErrorCode.UNAVAILABLE, "the database is not available", t);
    }
    LOG.error("database failure (SQLSTATE {})", state, t);
    return new TroupeException(ErrorCode.INTERNAL, "internal database error", t);
  }

  /**
   * The pool gave up waiting for a connection: the database is down, or every connection is busy.
   * Vert.x 5.0 says "Timeout waiting for connection" for a pooled query, but a bare "Timeout" when
   * {@code withTransaction} or {@code getConnection} waited.
   */
  private static boolean isPoolTimeout(Throwable t) {
    String message = String.valueOf(t.getMessage());
    return t.getClass().getSimpleName().contains("Timeout")
        || message.contains("waiting for")
        || message.equals("Timeout");
  }

  private static boolean hasCause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return true;
      }
    }
    return false;
  }
}
