package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName(
    "DocumentStore listing on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresDocumentStoreListTest extends DocumentStoreListContract {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
