package dev.troupe.db;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("StateStore on H2 (embedded file in a temporary directory)")
class H2StateStoreTest extends StateStoreContractTests {
  @TempDir static Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir);
  }
}
