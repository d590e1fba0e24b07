package dev.troupe.testkit;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.io.TempDir;

@DisplayName("Upgrade from the previous build's embedded H2 database")
class H2PreviousBuildDatabaseTest extends PreviousBuildDatabaseContract {
  @TempDir Path dir;

  @Override
  Path dataRoot() {
    return dir;
  }

  /** Node 0's data dir gets a copy of the H2 file the previous build wrote. */
  @Override
  TroupeCluster.Builder prepared(Path dataRoot) throws Exception {
    Path dataDir = Files.createDirectories(dataRoot.resolve("node-0"));
    try (InputStream gz = getClass().getResourceAsStream("/previous-build/troupe.mv.db.gz");
        InputStream db = new GZIPInputStream(gz)) {
      Files.copy(db, dataDir.resolve("troupe.mv.db"));
    }
    return TroupeCluster.builder().dataRoot(dataRoot);
  }
}
