package dev.troupe.bench.spring;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Repository;

/**
 * The documents table, the same shape as Troupe's (db-service's V1 migration), through
 * JdbcTemplate.
 */
@Repository
class DocumentRepository {
  /** The stored version of a key and whether it is a tombstone (deleted), read under a row lock. */
  record StoredVersion(long version, boolean deleted) {}

  private final JdbcTemplate jdbc;

  DocumentRepository(JdbcTemplate jdbc) {
    this.jdbc = jdbc;
  }

  Optional<Document> find(DocumentKey key) {
    return jdbc
        .query(
            "SELECT version, updated_at, deleted, data FROM troupe_documents WHERE collection = ? AND id = ?",
            (ResultSet rs, int row) ->
                rs.getBoolean(3)
                    ? null
                    : new Document(
                        key.collection(), key.id(), rs.getLong(1), instant(rs), rs.getString(4)),
            key.collection(),
            key.id())
        .stream()
        .filter(d -> d != null)
        .findFirst();
  }

  /** Locks the key's row, if there is one, until the transaction ends. */
  Optional<StoredVersion> lock(DocumentKey key) {
    return jdbc
        .query(
            "SELECT version, deleted FROM troupe_documents WHERE collection = ? AND id = ? FOR UPDATE",
            (ResultSet rs, int row) -> new StoredVersion(rs.getLong(1), rs.getBoolean(2)),
            key.collection(),
            key.id())
        .stream()
        .findFirst();
  }

  void insert(Document doc) {
    jdbc.update(
        "INSERT INTO troupe_documents (collection, id, version, updated_at, deleted, data) VALUES (?, ?, ?, ?, FALSE, ?)",
        doc.collection(),
        doc.id(),
        doc.version(),
        timestamp(doc.updatedAt()),
        doc.data());
  }

  void update(Document doc) {
    jdbc.update(
        "UPDATE troupe_documents SET version = ?, updated_at = ?, deleted = FALSE, data = ? WHERE collection = ? AND id = ?",
        doc.version(),
        timestamp(doc.updatedAt()),
        doc.data(),
        doc.collection(),
        doc.id());
  }

  /** Appends to the change log, as Troupe does in the same transaction as every write. */
  void appendChange(Document doc, String op) {
    jdbc.update(
        "INSERT INTO troupe_changes (collection, id, version, op, changed_at) VALUES (?, ?, ?, ?, ?)",
        doc.collection(),
        doc.id(),
        doc.version(),
        op,
        timestamp(doc.updatedAt()));
  }

  private static Instant instant(ResultSet rs) throws SQLException {
    return rs.getObject(2, OffsetDateTime.class).toInstant();
  }

  private static OffsetDateTime timestamp(Instant instant) {
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
