package dev.troupe.testkit;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;

/** A small HTTP client for tests against one Troupe gateway. */
final class Http {
  private final WebClient client;
  private final int port;

  Http(Vertx vertx, int port) {
    this(vertx, port, new PoolOptions());
  }

  /**
   * A client of one connection: its requests, one after another, reach one gateway verticle
   * instance.
   */
  static Http oneConnection(Vertx vertx, int port) {
    return new Http(vertx, port, new PoolOptions().setHttp1MaxSize(1).setHttp2MaxSize(1));
  }

  private Http(Vertx vertx, int port, PoolOptions pool) {
    this.client =
        WebClient.create(
            vertx, new WebClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(port), pool);
    this.port = port;
  }

  int port() {
    return port;
  }

  Future<HttpResponse<Buffer>> send(HttpMethod method, String uri, MultiMap headers, String body) {
    var request = client.request(method, uri);
    if (headers != null) {
      request.putHeaders(headers);
    }
    return body == null ? request.send() : request.sendBuffer(Buffer.buffer(body));
  }

  /** Sends a body as bytes, exactly as given (a String body would be encoded as UTF-8 first). */
  Future<HttpResponse<Buffer>> sendBuffer(
      HttpMethod method, String uri, MultiMap headers, Buffer body) {
    return client.request(method, uri).putHeaders(headers).sendBuffer(body);
  }

  Future<HttpResponse<Buffer>> get(String uri, String... headers) {
    return send(HttpMethod.GET, uri, headers(headers), null);
  }

  Future<HttpResponse<Buffer>> delete(String uri, String... headers) {
    return send(HttpMethod.DELETE, uri, headers(headers), null);
  }

  Future<HttpResponse<Buffer>> putJson(String uri, String json, String... headers) {
    MultiMap all = headers(headers);
    if (!all.contains("Content-Type")) {
      all.add("Content-Type", "application/json");
    }
    return send(HttpMethod.PUT, uri, all, json);
  }

  static MultiMap headers(String... pairs) {
    MultiMap map = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      map.add(pairs[i], pairs[i + 1]);
    }
    return map;
  }

  void close() {
    client.close();
  }
}
