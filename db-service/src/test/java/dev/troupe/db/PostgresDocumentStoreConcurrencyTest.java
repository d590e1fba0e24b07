package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName(
    "DocumentStore under concurrent writers on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresDocumentStoreConcurrencyTest extends DocumentStoreConcurrencyContract {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
