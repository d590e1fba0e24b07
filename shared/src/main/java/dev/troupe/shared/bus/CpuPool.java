package dev.troupe.shared.bus;

import dev.troupe.shared.config.Settings;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;

/**
 * The node's named pool for CPU-bound work that is too large for an event loop: decoding a
 * multi-megabyte batch body, encoding an export. One pool per node ({@value #NAME}, shared by name,
 * so every verticle that opens it gets the same threads), sized to the CPUs by default: more
 * threads than cores would only make CPU-bound tasks wait for each other in the kernel instead of
 * in the queue. Vert.x's pool metrics report its use, queue wait and task time ({@code
 * vertx_pool_*{pool_name="troupe-cpu"}}). Blocking I/O does not belong here: the database has its
 * own pool.
 */
public final class CpuPool {
  public static final String NAME = "troupe-cpu";
  public static final String SIZE_KEY = "TROUPE_CPU_POOL_SIZE";

  private CpuPool() {}

  /** Opens (or joins) the node's pool; close the returned executor when the verticle stops. */
  public static WorkerExecutor open(Vertx vertx, Settings settings) {
    int size = settings.integer(SIZE_KEY, Runtime.getRuntime().availableProcessors(), 1, 1024);
    return vertx.createSharedWorkerExecutor(NAME, size);
  }
}
