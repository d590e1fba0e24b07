package dev.troupe.gateway;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;

/** One instance of the HTTP edge. {@link GatewayService} deploys several, sharing one port. */
public final class GatewayVerticle extends VerticleBase {
  private HttpServer server;

  @Override
  public Future<?> start() {
    GatewayConfig config = GatewayConfig.from(Settings.fromJson(config()));
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    new DocsApi(new Bus(vertx, config.timeoutMs()), config.maxBodyBytes()).mount(router);
    HealthRoutes.mount(router, vertx);
    router.route().failureHandler(Problems::handle);
    router.errorHandler(404, Problems::handle);
    router.errorHandler(405, Problems::handle);
    router.errorHandler(413, Problems::handle);
    router.errorHandler(400, Problems::handle);
    router.errorHandler(500, Problems::handle);

    server = vertx.createHttpServer(new HttpServerOptions()
        .setHost(config.host())
        // Servers of one Vert.x share a port by the port they ask for; port 0 would give each
        // instance its own random port, a negative port gives them all the same random one.
        .setPort(config.port() == 0 ? -1 : config.port())
        .setCompressionSupported(true));
    return server.requestHandler(router).listen()
        .onSuccess(listening -> NodeRuntime.publishHttpPort(vertx, listening.actualPort()));
  }
}
