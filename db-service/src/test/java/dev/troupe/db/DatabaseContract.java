package dev.troupe.db;

import dev.troupe.shared.contract.JsonNumbers;
import io.vertx.junit5.VertxExtension;
import org.flywaydb.core.api.output.MigrateResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A contract that every backend must keep: a concrete subclass per backend names its database in
 * {@link #openDatabase()} and says which one in its {@code @DisplayName}. The database lives as
 * long as the test class: created and migrated before the first test, dropped after the last one.
 */
@ExtendWith(VertxExtension.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class DatabaseContract {
  static {
    // A running node turns exact JSON numbers on through the wire classes; store tests never load
    // them.
    JsonNumbers.exact();
  }

  TestDatabase db;
  Backend backend;
  MigrateResult firstMigration;

  /** The database of this test class (a temporary H2 file, or a fresh PostgreSQL schema). */
  abstract TestDatabase openDatabase();

  @BeforeAll
  final void createDatabase() {
    db = openDatabase();
    backend = db.backend();
    firstMigration = db.migrate();
  }

  @AfterAll
  final void dropDatabase() {
    if (db != null) {
      db.close();
    }
  }
}
