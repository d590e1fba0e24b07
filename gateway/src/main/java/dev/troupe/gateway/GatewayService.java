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
 * it with {@link NodeRuntime#publishHttpPort}), and the {@link TcpBridgeVerticle} when {@code
 * TROUPE_BRIDGE_PORT} is set. Deploy it by name ({@code dev.troupe.gateway.GatewayService}).
 */
public final class GatewayService extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(GatewayService.class);

  @Override
  public Future<?> start() {
    Settings settings = Settings.fromJson(config());
    GatewayConfig config = GatewayConfig.from(settings);
    // One bridge per node: its connection limit and port are the node's.
    Future<?> bridge =
        BridgeConfig.from(settings).tcp()
            ? vertx.deployVerticle(
                TcpBridgeVerticle.class.getName(), new DeploymentOptions().setConfig(config()))
            : Future.succeededFuture();
    return bridge
        .compose(
            b ->
                vertx.deployVerticle(
                    GatewayVerticle.class.getName(),
                    new DeploymentOptions().setConfig(config()).setInstances(config.instances())))
        .onSuccess(
            id ->
                LOG.info(
                    "gateway listening on http://{}:{} ({} instance(s))",
                    config.host(),
                    NodeRuntime.httpPort(vertx),
                    config.instances()));
  }
}
