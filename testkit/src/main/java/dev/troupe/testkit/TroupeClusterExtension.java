package dev.troupe.testkit;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts a {@link TroupeCluster} before the tests of a class and stops it after them.
 *
 * <pre>{@code
 * @RegisterExtension
 * static TroupeClusterExtension troupe = new TroupeClusterExtension(
 *     TroupeCluster.builder().node("gateway").node("request", "cache").node("db"));
 *
 * @Test
 * void reads(Vertx vertx, VertxTestContext ctx) {
 *   int port = troupe.cluster().httpPort(0);
 *   ...
 * }
 * }</pre>
 */
public final class TroupeClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private static final Duration START_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(1);

  private final TroupeCluster.Builder builder;
  private volatile TroupeCluster cluster;

  public TroupeClusterExtension(TroupeCluster.Builder builder) {
    this.builder = builder;
  }

  /** The running cluster; available from {@code @BeforeAll} methods on. */
  public TroupeCluster cluster() {
    if (cluster == null) {
      throw new IllegalStateException(
          "the cluster is not running: register the extension on a static field");
    }
    return cluster;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    // JUnit calls back on its own thread, never an event loop, so waiting here blocks nothing of
    // Vert.x.
    cluster =
        builder
            .start()
            .toCompletionStage()
            .toCompletableFuture()
            .get(START_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (cluster != null) {
      TroupeCluster running = cluster;
      cluster = null;
      running
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }
}
