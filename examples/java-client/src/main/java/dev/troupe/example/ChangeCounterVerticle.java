package dev.troupe.example;

import dev.troupe.client.Subscription;
import dev.troupe.client.TroupeClient;
import dev.troupe.shared.contract.DocChange;
import dev.troupe.shared.contract.DocKey;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * A small service beside Troupe: it follows every document change on the cluster with {@link
 * TroupeClient#onChange} and keeps, per collection, how many writes and deletes it saw. Over HTTP
 * (on {@code port}, 0 for a free one) it answers {@code GET /counts} with {@code
 * {"<collection>":{"put":n,"delete":n}}} and {@code GET /latest/<collection>/<id>} with the
 * document's data, read through Troupe ({@link TroupeClient#get}).
 */
public final class ChangeCounterVerticle extends VerticleBase {
  private final TroupeClient troupe;
  private final int port;
  private final Map<String, long[]> counts = new TreeMap<>();
  private Subscription changes;
  private HttpServer server;

  public ChangeCounterVerticle(TroupeClient troupe, int port) {
    this.troupe = troupe;
    this.port = port;
  }

  @Override
  public Future<?> start() {
    return troupe
        .onChange(this::count)
        .compose(
            subscription -> {
              changes = subscription;
              return vertx.createHttpServer().requestHandler(this::serve).listen(port, "127.0.0.1");
            })
        .onSuccess(listening -> server = listening);
  }

  /** The port this service's HTTP server listens on. */
  public int port() {
    return server.actualPort();
  }

  private void count(DocChange change) {
    long[] perOp = counts.computeIfAbsent(change.key().collection(), c -> new long[2]);
    perOp[DocChange.PUT.equals(change.op()) ? 0 : 1]++;
  }

  private void serve(HttpServerRequest request) {
    String path = request.path();
    String[] parts = path.split("/");
    if (path.equals("/counts")) {
      JsonObject body = new JsonObject();
      counts.forEach(
          (collection, n) ->
              body.put(collection, new JsonObject().put("put", n[0]).put("delete", n[1])));
      request.response().putHeader("Content-Type", "application/json").end(body.encode());
    } else if (path.startsWith("/latest/") && parts.length == 4) {
      latest(request, parts[2], parts[3]);
    } else {
      request.response().setStatusCode(404).end();
    }
  }

  private void latest(HttpServerRequest request, String collection, String id) {
    DocKey key;
    try {
      key = DocKey.of(collection, id);
    } catch (TroupeException e) {
      request.response().setStatusCode(400).end(e.getMessage());
      return;
    }
    troupe
        .get(key)
        .onComplete(
            ar -> {
              if (ar.succeeded()) {
                request
                    .response()
                    .putHeader("Content-Type", "application/json")
                    .end(ar.result().data().encode());
              } else {
                TroupeException failure = (TroupeException) ar.cause();
                request
                    .response()
                    .setStatusCode(failure.code() == ErrorCode.NOT_FOUND ? 404 : 502)
                    .end(failure.getMessage());
              }
            });
  }

  @Override
  public Future<?> stop() {
    Future<Void> unsubscribed = changes == null ? Future.succeededFuture() : changes.cancel();
    return unsubscribed.eventually(
        () -> server == null ? Future.succeededFuture() : server.close());
  }
}
