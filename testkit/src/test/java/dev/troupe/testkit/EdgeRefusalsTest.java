package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.NetClient;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The HTTP layer's own refusals, one by one, as raw bytes: each is a 4xx problem+json whose {@code
 * requestId} is the {@code X-Request-Id} header (the client's, where its headers were read), never
 * a 5xx and never served. {@link GatewayFuzzTest} throws thousands of variants at the same rules.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("Requests the HTTP layer refuses")
class EdgeRefusalsTest {
  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(TroupeCluster.builder().node("db", "cache", "request", "gateway"));

  private record Answer(int status, Map<String, String> headers, JsonObject problem) {}

  /** Sends raw bytes on a fresh connection and reads one response with a Content-Length. */
  private static Future<Answer> send(Vertx vertx, String request) {
    NetClient net = vertx.createNetClient();
    Promise<Answer> answer = Promise.promise();
    net.connect(TROUPE.cluster().httpPort(0), "127.0.0.1")
        .onComplete(
            ar -> {
              if (ar.failed()) {
                answer.fail(ar.cause());
                return;
              }
              Buffer received = Buffer.buffer();
              ar.result()
                  .handler(
                      chunk -> {
                        received.appendBuffer(chunk);
                        Answer parsed = parse(received);
                        if (parsed != null && answer.tryComplete(parsed)) {
                          ar.result().close();
                        }
                      });
              ar.result()
                  .closeHandler(v -> answer.tryFail("closed without a full answer: " + received));
              ar.result().write(Buffer.buffer(request.getBytes(StandardCharsets.UTF_8)));
            });
    return answer.future().eventually(net::close);
  }

  private static Answer parse(Buffer buffer) {
    String text = buffer.toString(StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    if (headEnd < 0) {
      return null;
    }
    String[] lines = text.substring(0, headEnd).split("\r\n");
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers.put(
          lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
          lines[i].substring(colon + 1).trim());
    }
    int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
    if (buffer.length() - headEnd - 4 < length) {
      return null;
    }
    String body = buffer.getString(headEnd + 4, headEnd + 4 + length, "UTF-8");
    return new Answer(
        Integer.parseInt(lines[0].split(" ")[1]),
        headers,
        body.isEmpty() ? null : new JsonObject(body));
  }

  private static void assertProblem(Answer answer, int status, String requestId, String detail) {
    assertThat(answer.status()).as(String.valueOf(answer.problem())).isEqualTo(status);
    assertThat(answer.headers().get("content-type")).startsWith("application/problem+json");
    String id = answer.headers().get("x-request-id");
    assertThat(id).isNotBlank();
    if (requestId != null) {
      assertThat(id).isEqualTo(requestId);
    }
    assertThat(answer.problem().getString("requestId")).isEqualTo(id);
    assertThat(answer.problem().getInteger("status")).isEqualTo(status);
    assertThat(answer.problem().getString("detail")).contains(detail);
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "no Host, a target without '/', a dot-segment, an encoded slash and an unknown HTTP version are 400s with the client's id; nothing is stored")
  void malformedRequests(Vertx vertx, VertxTestContext ctx) {
    String body = "Content-Type: application/json\r\nContent-Length: 7\r\n\r\n{\"a\":1}";
    send(vertx, "PUT /api/v1/docs/edge/a HTTP/1.1\r\nX-Request-Id: no-host\r\n" + body)
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 400, "no-host", "no Host header"));
              return send(
                  vertx,
                  "PUT api/v1/docs/edge/a HTTP/1.1\r\nHost: x\r\nX-Request-Id: no-slash\r\n"
                      + body);
            })
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 400, "no-slash", "starting with '/'"));
              return send(
                  vertx,
                  "PUT /api/v1/docs/x/../edge/a HTTP/1.1\r\nHost: x\r\nX-Request-Id: dots\r\n"
                      + body);
            })
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 400, "dots", "'.' or '..' segment"));
              return send(
                  vertx,
                  "PUT /api/v1/docs/edge/%2E%2e/edge/a HTTP/1.1\r\nHost: x\r\nX-Request-Id: encoded-dots\r\n"
                      + body);
            })
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 400, "encoded-dots", "'.' or '..' segment"));
              return send(
                  vertx,
                  "PUT /api/v1/docs/edge%2Fa HTTP/1.1\r\nHost: x\r\nX-Request-Id: slash\r\n"
                      + body);
            })
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 400, "slash", "encoded slash"));
              return send(
                  vertx,
                  "PUT /api/v1/docs/edge/a http/1.1\r\nHost: x\r\nX-Request-Id: version\r\n"
                      + body);
            })
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 400, "version", "HTTP/1.1"));
              return send(vertx, "GET /api/v1/docs/edge?limit=1000 HTTP/1.1\r\nHost: x\r\n\r\n");
            })
        .onComplete(
            ctx.succeeding(
                list ->
                    ctx.verify(
                        () -> {
                          assertThat(list.status()).isEqualTo(200);
                          assertThat(list.problem().getJsonArray("items"))
                              .as("documents stored")
                              .isEmpty();
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a request line that is not HTTP, one too long and headers too large are 400, 414 and 431 problems with a matching id")
  void undecodable(Vertx vertx, VertxTestContext ctx) {
    send(vertx, "GET /a b c\r\nHost: x\r\n\r\n")
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 400, null, "not valid HTTP"));
              return send(vertx, "GET /" + "u".repeat(9_000) + " HTTP/1.1\r\nHost: x\r\n\r\n");
            })
        .compose(
            a -> {
              ctx.verify(() -> assertProblem(a, 414, null, "too long"));
              return send(
                  vertx, "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(20_000) + "\r\n\r\n");
            })
        .onComplete(
            ctx.succeeding(
                a ->
                    ctx.verify(
                        () -> {
                          assertProblem(a, 431, null, "too large");
                          ctx.completeNow();
                        })));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a chunked body with a chunk size that is not hex is a 400 problem, or the connection closes; it is not stored")
  void brokenChunks(Vertx vertx, VertxTestContext ctx) {
    send(
            vertx,
            "PUT /api/v1/docs/edge/c HTTP/1.1\r\nHost: x\r\nX-Request-Id: chunks\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n")
        .transform(
            ar -> {
              if (ar.succeeded()) {
                ctx.verify(() -> assertProblem(ar.result(), 400, "chunks", "chunked"));
              }
              return new Http(vertx, TROUPE.cluster().httpPort(0)).get("/api/v1/docs/edge/c");
            })
        .onComplete(
            ctx.succeeding(
                get ->
                    ctx.verify(
                        () -> {
                          assertThat(get.statusCode()).isEqualTo(404);
                          ctx.completeNow();
                        })));
  }
}
