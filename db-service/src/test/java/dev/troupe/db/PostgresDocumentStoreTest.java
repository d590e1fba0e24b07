package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName("DocumentStore on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresDocumentStoreTest extends DocumentStoreContract {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
