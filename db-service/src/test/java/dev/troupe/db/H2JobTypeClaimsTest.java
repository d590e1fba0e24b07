package dev.troupe.db;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("JobStore claims by job type on H2 (embedded file in a temporary directory)")
class H2JobTypeClaimsTest extends JobTypeClaimsContract {
  @TempDir static Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir);
  }
}
