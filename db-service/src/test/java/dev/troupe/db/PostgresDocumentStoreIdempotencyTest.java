package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName(
    "DocumentStore idempotency keys on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresDocumentStoreIdempotencyTest extends DocumentStoreIdempotencyContract {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
