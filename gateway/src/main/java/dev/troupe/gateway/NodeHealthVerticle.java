package dev.troupe.gateway;

import dev.troupe.shared.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Health and metrics on their own port ({@code TROUPE_HEALTH_PORT}), for nodes that run no gateway
 * (so orchestrators can probe them and Prometheus can scrape them). Serves only {@code
 * /health/live}, {@code /health/ready} and {@code /metrics}.
 */
public final class NodeHealthVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeHealthVerticle.class);

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.from(Settings.fromJson(config()));
    if (config.healthPort() == null) {
      return Future.failedFuture(new IllegalArgumentException("TROUPE_HEALTH_PORT is not set"));
    }
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    HealthRoutes.mount(router, vertx);
    router.route().failureHandler(Problems::handle);
    router.errorHandler(404, Problems::handle);
    router.errorHandler(405, Problems::handle);
    return vertx
        .createHttpServer(
            new HttpServerOptions().setHost(config.host()).setPort(config.healthPort()))
        .requestHandler(router)
        .listen()
        .onSuccess(
            server ->
                LOG.info("health and metrics on http://{}:{}", config.host(), server.actualPort()));
  }
}
