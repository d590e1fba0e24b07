package dev.troupe.testkit;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.extension.RegisterExtension;

@DisplayName("Internal state is out of every public entry's reach (H2)")
class H2InternalStateIsolationTest extends InternalStateIsolationContract {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE = new TroupeClusterExtension(builder());

  @Override
  TroupeCluster cluster() {
    return TROUPE.cluster();
  }
}
