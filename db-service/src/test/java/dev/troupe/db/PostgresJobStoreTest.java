package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName("JobStore on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresJobStoreTest extends JobStoreContract {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
