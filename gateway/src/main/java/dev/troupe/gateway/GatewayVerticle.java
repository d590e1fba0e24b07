package dev.troupe.gateway;

import dev.troupe.shared.bus.CpuPool;
import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.bus.RetryConfig;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.metrics.Stages;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.CorsHandler;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/** One instance of the HTTP edge. {@link GatewayService} deploys several, sharing one port. */
public final class GatewayVerticle extends VerticleBase {
  private HttpServer server;
  private GatewayConfig config;
  private Router router;
  private WorkerExecutor cpu;
  private DocEventStreams streams;
  private Admission admission;
  private AccessLog accessLog;

  /** This verticle's settings, parsed once. */
  private Settings settings;

  @Override
  public Future<?> start() {
    settings = Settings.fromJson(config());
    config = GatewayConfig.from(settings);
    return OpenApi.load(vertx).compose(this::serve);
  }

  private Future<?> serve(OpenApi openApi) {
    Router router = Router.router(vertx);
    router.route().handler(RequestIds::assign);
    if (config.accessLog()) {
      accessLog = new AccessLog(vertx, config.accessLogFlushMs(), NodeRuntime.registryOf(vertx));
      router.route().handler(accessLog::handle);
    }
    if (!config.corsOrigins().isEmpty()) {
      router.route().handler(cors(config));
    }
    admission = new Admission(vertx, AdmissionConfig.from(settings), NodeRuntime.registryOf(vertx));
    router.route(DocsApi.API + "/*").handler(admission::handle);
    Calls calls =
        new Calls(
            vertx,
            config.timeoutMs(),
            config.attemptTimeoutMs(),
            RetryConfig.from(settings),
            config.breaker(),
            NodeRuntime.registryOf(vertx));
    Future<Void> guarded = EdgeGuards.mount(router, vertx, config, settings, calls);
    BridgeConfig bridge = BridgeConfig.from(settings);
    if (bridge.sockJs()) {
      guarded =
          guarded.compose(
              v ->
                  SockJsBridge.mount(
                      router, vertx, bridge, config, settings, NodeRuntime.registryOf(vertx)));
    }
    DocsApi docs =
        new DocsApi(
            calls,
            new CacheFirstReads(
                calls, config.cacheReads(), config.cacheTimeoutMs(), NodeRuntime.registryOf(vertx)),
            config.maxBodyBytes(),
            openApi,
            new Stages(NodeRuntime.registryOf(vertx)));
    cpu = CpuPool.open(vertx, settings);
    new BatchApi(docs, calls, config.maxBodyBytes(), cpu).mount(router);
    EventStreamConfig sse = EventStreamConfig.from(settings);
    streams =
        new DocEventStreams(
            vertx,
            sse,
            InFlight.of("gateway-sse", sse.maxStreams(), NodeRuntime.registryOf(vertx)),
            calls);
    streams.mount(router);
    docs.mount(router);
    new JobsApi(calls, JobUploadConfig.from(settings), config.maxBodyBytes()).mount(router);
    ChatIdentity chatIdentity = new ChatIdentity(config.auth());
    new ChatApi(calls, config.maxBodyBytes(), chatIdentity).mount(router);
    new ChatStream(vertx, calls, chatIdentity).mount(router);
    ChatPage.mount(router);
    HealthRoutes.mount(router, vertx);
    openApi.mount(router);
    this.router = router;
    router.route().failureHandler(Problems::handle);
    router.errorHandler(404, Problems::handle);
    router.errorHandler(405, Problems::handle);
    router.errorHandler(413, Problems::handle);
    router.errorHandler(400, Problems::handle);
    router.errorHandler(500, Problems::handle);

    server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(config.host())
                // Servers of one Vert.x share a port by the port they ask for; port 0 would give
                // each
                // instance its own random port, a negative port gives them all the same random one.
                .setPort(config.port() == 0 ? -1 : config.port())
                .setCompressionSupported(true)
                .setHttp2ClearTextEnabled(true)
                // Selected when a client offers it (the chat page does, with its credential beside
                // it); a
                // WebSocket offering no subprotocol is answered without one, as before.
                .setWebSocketSubProtocols(List.of(WebSocketCredential.PROTOCOL))
                .setIdleTimeout(config.idleTimeoutSeconds())
                .setIdleTimeoutUnit(TimeUnit.SECONDS));
    return guarded
        .compose(
            v ->
                server
                    .requestHandler(router)
                    .invalidRequestHandler(Problems::invalidRequest)
                    .connectionHandler(ConnectionChecks::install)
                    .listen())
        .onSuccess(listening -> NodeRuntime.publishHttpPort(vertx, listening.actualPort()));
  }

  /**
   * Stops accepting connections and lets requests in flight finish (up to {@code
   * TROUPE_GATEWAY_DRAIN_MS}); keep-alive connections are closed after their current response.
   *
   * <p>It does not mark the node as draining: the node does that when it leaves ({@code
   * TroupeNode.close}), and a gateway its supervisor restarts after a crash must leave the node
   * ready. Marking it here made such a node answer 503 on {@code /health/ready} for good (a chaos
   * run's gateway crashed on a Vert.x event-bus error while a peer was killed, and never became
   * ready again).
   */
  @Override
  public Future<?> stop() {
    if (streams != null) {
      streams.endAll();
    }
    Future<Void> drained =
        server == null
            ? Future.succeededFuture()
            : server.shutdown(config.drainMs(), TimeUnit.MILLISECONDS);
    return drained
        .eventually(
            () -> {
              if (admission != null) {
                admission.close();
              }
              return Future.succeededFuture();
            })
        .eventually(() -> cpu == null ? Future.succeededFuture() : cpu.close())
        .eventually(
            () -> {
              // The drained requests' lines are gathered by now.
              if (accessLog != null) {
                accessLog.flush();
              }
              return Future.succeededFuture();
            });
  }

  /** The routes this instance serves, for tests that hold them against the OpenAPI document. */
  Router router() {
    return router;
  }

  private static CorsHandler cors(GatewayConfig config) {
    CorsHandler cors =
        CorsHandler.create()
            .allowedMethods(
                Set.of(
                    HttpMethod.GET,
                    HttpMethod.PUT,
                    HttpMethod.DELETE,
                    HttpMethod.POST,
                    HttpMethod.OPTIONS))
            .allowedHeaders(
                Set.of(
                    "Content-Type",
                    "If-Match",
                    "If-None-Match",
                    "X-Request-Id",
                    "Authorization",
                    "X-Api-Key"))
            .exposedHeaders(
                Set.of(
                    "ETag",
                    "Location",
                    "X-Request-Id",
                    "X-Cache",
                    "Retry-After",
                    "WWW-Authenticate",
                    "RateLimit-Limit",
                    "RateLimit-Remaining",
                    "RateLimit-Reset"));
    if (!config.corsOrigins().contains("*")) {
      cors.addOrigins(config.corsOrigins());
    }
    return cors;
  }
}
