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
 * db-service: brings the schema up to date, then deploys the {@link DbVerticle} workers. Deploy it by
 * name ({@code dev.troupe.db.DbService}); its start completes once the workers consume their address.
 * Undeploying it undeploys the workers, which close the pool.
 */
public final class DbService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(DbService.class);

  @Override
  public Future<?> start() {
    DbConfig config = DbConfig.from(Settings.fromJson(config()));
    if (!config.embedded()) {
      return Future.failedFuture(new IllegalArgumentException(
          "TROUPE_DB_URL is set, but this build of db-service serves only the embedded H2 database;"
              + " unset TROUPE_DB_URL to use it"));
    }
    WorkerExecutor migrator = vertx.createSharedWorkerExecutor("troupe-db-migrate", 1);
    return migrator.executeBlocking(() -> {
          Files.createDirectories(config.dataDir());
          Migrations.probe(config.h2Url(), "sa", "");
          Migrations.migrate(config.h2Url(), "sa", "");
          return null;
        })
        .eventually(migrator::close)
        .compose(migrated -> vertx.deployVerticle(DbVerticle.class.getName(), new DeploymentOptions()
            .setConfig(config())
            .setThreadingModel(ThreadingModel.WORKER)
            .setWorkerPoolName(DbVerticle.POOL_NAME)
            .setWorkerPoolSize(config.workers())
            .setInstances(config.instances())))
        .onSuccess(id -> LOG.info("db-service serving H2 database in {}", config.dataDir()));
  }
}
