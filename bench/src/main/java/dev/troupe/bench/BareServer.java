package dev.troupe.bench;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The limit of the stack: a plain Vert.x HTTP server that answers Troupe's document API from
 * memory, the same JSON, with no routing library, no event bus and no storage. Deployed like the
 * gateway: several instances sharing one port.
 */
final class BareServer extends VerticleBase {
  static final String API = "/api/v1/docs/";
  static final CharSequence JSON = HttpHeaders.createOptimized("application/json");
  static final CharSequence ETAG_VALUE = HttpHeaders.createOptimized(Envelope.ETAG);

  private final String host;
  private final int port;
  private final AtomicInteger actualPort;

  BareServer(String host, int port, AtomicInteger actualPort) {
    this.host = host;
    this.port = port;
    this.actualPort = actualPort;
  }

  @Override
  public Future<?> start() {
    return vertx
        .createHttpServer(
            new HttpServerOptions()
                .setHost(host)
                // instances of one Vert.x share a port by the port they ask for; -1 gives all the
                // same random one
                .setPort(port == 0 ? -1 : port))
        .requestHandler(this::handle)
        .listen()
        .onSuccess(server -> actualPort.set(server.actualPort()));
  }

  private void handle(HttpServerRequest req) {
    String path = req.path();
    if (!path.startsWith(API) || path.length() == API.length()) {
      req.response().setStatusCode(404).end();
      return;
    }
    boolean oneDoc = path.indexOf('/', API.length()) > 0;
    HttpMethod method = req.method();
    if (oneDoc && HttpMethod.GET.equals(method)) {
      sendDoc(req);
    } else if (oneDoc && HttpMethod.PUT.equals(method)) {
      req.body().onComplete(body -> sendDoc(req));
    } else if (oneDoc && HttpMethod.DELETE.equals(method)) {
      req.response().setStatusCode(204).end();
    } else if (!oneDoc && HttpMethod.GET.equals(method)) {
      req.response().putHeader(HttpHeaders.CONTENT_TYPE, JSON).end(Envelope.PAGE_BUFFER);
    } else {
      req.response().setStatusCode(405).end();
    }
  }

  private static void sendDoc(HttpServerRequest req) {
    req.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, JSON)
        .putHeader(HttpHeaders.ETAG, ETAG_VALUE)
        .end(Envelope.DOC_BUFFER);
  }

  static final String USAGE =
      "bare-server [--port 8080] [--host 127.0.0.1] [--instances CPUs] [--event-loops 2xCPUs]";

  /** Serves until the process is stopped; prints {@code READY port=P} once listening. */
  static int main(Args args) throws Exception {
    int cpus = Runtime.getRuntime().availableProcessors();
    int port = args.integer("port", 8080, 0, 65535);
    String host = args.string("host", "127.0.0.1");
    int instances = args.integer("instances", cpus, 1, 1024);
    int eventLoops = args.integer("event-loops", 2 * cpus, 1, 1024);
    args.requireAllUsed();

    Vertx vertx = Vertx.builder().with(new VertxOptions().setEventLoopPoolSize(eventLoops)).build();
    AtomicInteger actualPort = new AtomicInteger();
    try {
      LoadRun.await(
          vertx.deployVerticle(
              () -> new BareServer(host, port, actualPort),
              new DeploymentOptions().setInstances(instances)),
          30_000);
    } catch (Exception e) {
      vertx.close();
      throw new IllegalStateException(
          "cannot listen on "
              + host
              + ":"
              + port
              + ": "
              + (e.getCause() == null ? e : e.getCause()).getMessage());
    }
    Main.serveUntilStopped(() -> vertx.close(), "READY port=" + actualPort.get());
    return 0;
  }
}
