package dev.troupe.db;

import dev.troupe.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.ThreadingModel;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * db-service: brings the schema up to date, then deploys the {@link DbVerticle}s, the {@link
 * JobStoreVerticle}s and the {@link StateStoreVerticle}s (workers on H2). Deploy it by name ({@code
 * dev.troupe.db.DbService}); its start completes once the workers consume their address.
 * Undeploying it undeploys the workers, which close the pool.
 */
public final class DbService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DbService.class);

  @Override
  public Future<?> start() {
    DbConfig config = DbConfig.from(Settings.fromJson(config()));
    Backend backend = Backend.of(config);
    WorkerExecutor migrator = vertx.createSharedWorkerExecutor("troupe-db-migrate", 1);
    return migrator
        .executeBlocking(
            () -> {
              if (config.embedded()) {
                Files.createDirectories(config.dataDir());
              }
              Migrations.probe(backend);
              Migrations.migrate(backend);
              return null;
            })
        .eventually(migrator::close)
        .recover(
            e ->
                Future.failedFuture(
                    new IllegalStateException(
                        "cannot prepare the " + backend.describe() + ": " + e.getMessage(), e)))
        .compose(
            migrated -> {
              // One set of lanes per deployment: its instances route each write to the lane of its
              // row (Lanes).
              Lanes<Write<?>> documents = new Lanes<>();
              return vertx.deployVerticle(() -> new DbVerticle(documents), deployment(backend));
            })
        .compose(
            documents ->
                vertx.deployVerticle(JobStoreVerticle.class.getName(), deployment(backend)))
        .compose(
            jobs -> {
              Lanes<StateSaves.Save> states = new Lanes<>();
              return vertx.deployVerticle(
                  () -> new StateStoreVerticle(states), deployment(backend));
            })
        .onSuccess(id -> LOG.info("db-service serving the {}", backend.describe()));
  }

  private DeploymentOptions deployment(Backend backend) {
    DeploymentOptions options =
        new DeploymentOptions().setConfig(config()).setInstances(backend.config.instances());
    if (backend.blocking()) {
      options
          .setThreadingModel(ThreadingModel.WORKER)
          .setWorkerPoolName(Backend.POOL_NAME)
          .setWorkerPoolSize(backend.config.workers());
    }
    return options;
  }
}
