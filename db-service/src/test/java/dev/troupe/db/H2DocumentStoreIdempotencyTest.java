package dev.troupe.db;

import java.nio.file.Path;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("DocumentStore idempotency keys on H2 (embedded file in a temporary directory)")
class H2DocumentStoreIdempotencyTest extends DocumentStoreIdempotencyContract {
  @TempDir static Path dir;

  @Override
  TestDatabase openDatabase() {
    return TestDatabase.h2(dir);
  }
}
