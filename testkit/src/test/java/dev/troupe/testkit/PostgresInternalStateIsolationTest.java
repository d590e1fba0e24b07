package dev.troupe.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Internal state is out of every public entry's reach (PostgreSQL)")
class PostgresInternalStateIsolationTest extends InternalStateIsolationContract {
  @RegisterExtension
  @Order(1)
  static final PostgresSchema PG = new PostgresSchema();

  @RegisterExtension
  @Order(2)
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          builder().setting("TROUPE_DB_URL", PG.url()).setting("TROUPE_DB_SCHEMA", PG.schema()));

  @Override
  TroupeCluster cluster() {
    return TROUPE.cluster();
  }
}
