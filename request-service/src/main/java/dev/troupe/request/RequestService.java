package dev.troupe.request;

import dev.troupe.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * request-service: deploys the document pipeline ({@link RequestVerticle}, {@code
 * TROUPE_REQUEST_INSTANCES}), the job manager ({@link JobsVerticle}) and the job workers ({@link
 * JobWorker}, {@code TROUPE_JOBS_WORKERS}). Deploy it by name ({@code
 * dev.troupe.request.RequestService}); undeploying it undeploys them all.
 */
public final class RequestService extends VerticleBase {
  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    RequestConfig requests = RequestConfig.from(settings);
    JobsConfig jobs = JobsConfig.from(settings);
    Future<?> deployed =
        vertx
            .deployVerticle(RequestVerticle.class.getName(), options(requests.instances()))
            .compose(id -> vertx.deployVerticle(JobsVerticle.class.getName(), options(1)));
    return jobs.workers() == 0
        ? deployed
        : deployed.compose(
            id -> vertx.deployVerticle(JobWorker.class.getName(), options(jobs.workers())));
  }

  private DeploymentOptions options(int instances) {
    return new DeploymentOptions().setConfig(config()).setInstances(instances);
  }
}
