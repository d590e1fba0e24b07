package dev.troupe.bench;

import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.Message;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The cost of one hop: the bare server, on a clustered node, answering every request by one
 * event-bus request-reply to a second clustered node. Both nodes join the cluster through Troupe's
 * own {@link ClusterBootstrap}, so Hazelcast, the event bus and metrics are configured as in
 * Troupe.
 */
final class OneHop {
  /** Where the responder listens. */
  static final String ADDRESS = "bench.echo";

  static final String ACTION = "action";

  static final String USAGE =
      """
      one-hop --role http --port P --cluster-port N --members 127.0.0.1:M [--cluster-name troupe-bench] [--instances CPUs]
      one-hop --role responder --cluster-port M --members 127.0.0.1:M [--cluster-name troupe-bench]
        [--ready-timeout 60s]: how long to wait for the cluster (and, for http, a ping through the bus)
        (any TROUPE_* variable, e.g. TROUPE_EVENT_LOOPS, applies as it does to a Troupe node)""";

  private OneHop() {}

  static int main(Args args) throws Exception {
    String role = args.required("role").toLowerCase(Locale.ROOT);
    Map<String, String> env = new HashMap<>(System.getenv());
    env.put("TROUPE_CLUSTER_NAME", args.string("cluster-name", "troupe-bench"));
    env.put("TROUPE_CLUSTER_HOST", "127.0.0.1");
    env.put("TROUPE_CLUSTER_PORT", args.required("cluster-port"));
    env.put("TROUPE_CLUSTER_MEMBERS", args.required("members"));
    env.put("TROUPE_NODE_NAME", "bench-" + role);
    long readyTimeoutMs = args.durationNanos("ready-timeout", "60s") / 1_000_000;
    int port;
    int instances;
    switch (role) {
      case "http" -> {
        port = args.integer("port", 8080, 0, 65535);
        instances = args.integer("instances", Runtime.getRuntime().availableProcessors(), 1, 1024);
      }
      case "responder" -> {
        port = -1;
        instances = 0;
      }
      default ->
          throw new IllegalArgumentException(
              "--role must be http or responder, got '" + role + "'");
    }
    args.requireAllUsed();

    NodeRuntime node = LoadRun.await(ClusterBootstrap.start(Settings.load(env)), readyTimeoutMs);
    Vertx vertx = node.vertx();
    String ready;
    try {
      if (role.equals("responder")) {
        LoadRun.await(vertx.eventBus().consumer(ADDRESS, OneHop::respond).completion(), 30_000);
        ready = "READY role=responder cluster-port=" + env.get("TROUPE_CLUSTER_PORT");
      } else {
        AtomicInteger actualPort = new AtomicInteger();
        LoadRun.await(
            vertx.deployVerticle(
                () -> new HttpNode(port, actualPort),
                new DeploymentOptions().setInstances(instances)),
            30_000);
        LoadRun.await(
            pingUntilAnswered(
                vertx, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(readyTimeoutMs)),
            readyTimeoutMs + 5_000);
        ready = "READY port=" + actualPort.get();
      }
    } catch (Exception e) {
      ClusterBootstrap.close(node);
      throw new IllegalStateException(
          "one-hop "
              + role
              + " failed to start: "
              + (e.getCause() == null ? e : e.getCause()).getMessage());
    }
    Main.serveUntilStopped(() -> ClusterBootstrap.close(node), ready);
    return 0;
  }

  /**
   * The responder: answers from memory, as the bare server does, but on the far side of the bus.
   */
  private static void respond(Message<JsonObject> msg) {
    String action = msg.headers().get(ACTION);
    if (action == null) {
      msg.fail(400, "no action header");
      return;
    }
    switch (action) {
      case "get", "put" -> msg.reply(Envelope.DOC);
      case "list" -> msg.reply(Envelope.PAGE);
      case "ping" -> msg.reply(new JsonObject().put("pong", true));
      default -> msg.fail(400, "unknown action " + action);
    }
  }

  /** Until the responder answers (the cluster may still be forming), ping every 250 ms. */
  private static Future<Void> pingUntilAnswered(Vertx vertx, long deadline) {
    Promise<Void> promise = Promise.promise();
    ping(vertx, deadline, promise);
    return promise.future();
  }

  private static void ping(Vertx vertx, long deadline, Promise<Void> promise) {
    vertx
        .eventBus()
        .<JsonObject>request(
            ADDRESS,
            new JsonObject(),
            new DeliveryOptions().addHeader(ACTION, "ping").setSendTimeout(1000))
        .onSuccess(reply -> promise.tryComplete())
        .onFailure(
            e -> {
              if (System.nanoTime() > deadline) {
                promise.tryFail("no answer on " + ADDRESS + " from a responder: " + e.getMessage());
              } else {
                vertx.setTimer(250, t -> ping(vertx, deadline, promise));
              }
            });
  }

  /** The HTTP side: each request becomes exactly one request-reply on {@link #ADDRESS}. */
  static final class HttpNode extends VerticleBase {
    private static final DeliveryOptions GET = action("get");
    private static final DeliveryOptions PUT = action("put");
    private static final DeliveryOptions LIST = action("list");

    private final int port;
    private final AtomicInteger actualPort;

    HttpNode(int port, AtomicInteger actualPort) {
      this.port = port;
      this.actualPort = actualPort;
    }

    private static DeliveryOptions action(String name) {
      return new DeliveryOptions().addHeader(ACTION, name).setSendTimeout(10_000);
    }

    @Override
    public Future<?> start() {
      return vertx
          .createHttpServer(
              new HttpServerOptions().setHost("127.0.0.1").setPort(port == 0 ? -1 : port))
          .requestHandler(this::handle)
          .listen()
          .onSuccess(server -> actualPort.set(server.actualPort()));
    }

    private void handle(HttpServerRequest req) {
      String path = req.path();
      if (!path.startsWith(BareServer.API) || path.length() == BareServer.API.length()) {
        req.response().setStatusCode(404).end();
        return;
      }
      int slash = path.indexOf('/', BareServer.API.length());
      String collection =
          path.substring(BareServer.API.length(), slash > 0 ? slash : path.length());
      HttpMethod method = req.method();
      if (slash > 0 && HttpMethod.GET.equals(method)) {
        hop(req, GET, key(collection, path.substring(slash + 1)));
      } else if (slash > 0 && HttpMethod.PUT.equals(method)) {
        String id = path.substring(slash + 1);
        req.body()
            .onComplete(
                body -> {
                  JsonObject data;
                  try {
                    data = body.result().toJsonObject();
                  } catch (RuntimeException e) {
                    req.response().setStatusCode(400).end();
                    return;
                  }
                  hop(req, PUT, key(collection, id).put("data", data));
                });
      } else if (slash < 0 && HttpMethod.GET.equals(method)) {
        hop(req, LIST, new JsonObject().put("collection", collection).put("limit", 50));
      } else {
        req.response().setStatusCode(405).end();
      }
    }

    private static JsonObject key(String collection, String id) {
      return new JsonObject().put("collection", collection).put("id", id);
    }

    private void hop(HttpServerRequest req, DeliveryOptions action, JsonObject body) {
      vertx
          .eventBus()
          .<JsonObject>request(ADDRESS, body, action)
          .onComplete(
              ar -> {
                if (ar.failed()) {
                  req.response().setStatusCode(502).end();
                  return;
                }
                var response = req.response().putHeader(HttpHeaders.CONTENT_TYPE, BareServer.JSON);
                if (action != LIST) {
                  response.putHeader(HttpHeaders.ETAG, BareServer.ETAG_VALUE);
                }
                response.end(ar.result().body().toBuffer());
              });
    }
  }
}
