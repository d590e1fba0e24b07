package dev.troupe.gateway;

import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * gateway: deploys {@link GatewayVerticle} instances sharing one HTTP port. With port 0 the first
 * instance picks a free port and the others join it. Each instance publishes its
 * port with {@link NodeRuntime#publishHttpPort}. Deploy it by name ({@code dev.troupe.gateway.GatewayService}).
 */
public final class GatewayService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.from(Settings.fromJson(config()));
    int first = config.port() == 0 ? 1 : config.instances();
    return deploy(config(), first)
        .compose(id -> {
          int port = NodeRuntime.httpPort(vertx);
          JsonObject pinned = config().copy().put(GatewayConfig.PORT_KEY, String.valueOf(port));
          Future<?> rest = config.instances() > first ? deploy(pinned, config.instances() - first)
              : Future.succeededFuture();
          return rest.map(port);
        })
        .onSuccess(port -> LOG.info("gateway listening on http://{}:{} ({} instance(s))", config.host(), port, config.instances()));
  }

  private Future<String> deploy(JsonObject conf, int instances) {
    return vertx.deployVerticle(GatewayVerticle.class.getName(),
        new DeploymentOptions().setConfig(conf).setInstances(instances));
  }
}
