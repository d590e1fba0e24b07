package dev.troupe.db;

import org.junit.jupiter.api.DisplayName;

@DisplayName(
    "JobStore claims by job type on PostgreSQL (127.0.0.1:5432/test, a fresh schema for the class)")
class PostgresJobTypeClaimsTest extends JobTypeClaimsContract {
  @Override
  TestDatabase openDatabase() {
    return TestDatabase.postgres();
  }
}
