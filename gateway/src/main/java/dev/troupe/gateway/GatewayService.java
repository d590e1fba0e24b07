package dev.troupe.gateway;

import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gateway: deploys {@link GatewayVerticle} instances sharing one HTTP port (each instance publishes
 * it with {@link NodeRuntime#publishHttpPort}). Deploy it by name
 * ({@code dev.troupe.gateway.GatewayService}).
 */
public final class GatewayService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.from(Settings.fromJson(config()));
    return vertx.deployVerticle(GatewayVerticle.class.getName(),
            new DeploymentOptions().setConfig(config()).setInstances(config.instances()))
        .onSuccess(id -> LOG.info("gateway listening on http://{}:{} ({} instance(s))", config.host(),
            NodeRuntime.httpPort(vertx), config.instances()));
  }
}
