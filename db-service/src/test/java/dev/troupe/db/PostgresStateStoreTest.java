package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName("StateStore on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresStateStoreTest extends StateStoreContractTests {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
