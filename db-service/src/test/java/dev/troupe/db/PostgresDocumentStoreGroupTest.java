package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName(
    "DocumentStore group commit on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresDocumentStoreGroupTest extends DocumentStoreGroupContract {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
