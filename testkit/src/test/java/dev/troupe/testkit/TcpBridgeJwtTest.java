package dev.troupe.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.Timeout;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The TCP bridge with TROUPE_AUTH=jwt: the first frame's bearer token is checked as an HTTP
 * request's.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("TCP event-bus bridge with JWTs")
class TcpBridgeJwtTest {
  private static final String ISSUER = "https://idp.troupe.test";
  private static final String AUDIENCE = "troupe-api";
  private static final String SECRET = "hs256-bridge-secret-of-at-least-32-bytes";

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway")
              .setting("TROUPE_AUTH", "jwt")
              .setting("TROUPE_JWT_SECRET", SECRET)
              .setting("TROUPE_JWT_ISSUER", ISSUER)
              .setting("TROUPE_JWT_AUDIENCE", AUDIENCE)
              .setting("TROUPE_BRIDGE_PORT", "0"));

  private static JsonObject get(String token, String replyAddress) {
    return new JsonObject()
        .put("type", "send")
        .put("address", RequestContract.ADDRESS)
        .put(
            "headers",
            new JsonObject().put("action", "get").put("authorization", "Bearer " + token))
        .put("body", new JsonObject().put("collection", "jwt").put("id", "none"))
        .put("replyAddress", replyAddress);
  }

  private static String token(long expiresIn, String scope) {
    long now = System.currentTimeMillis() / 1000;
    return Jwts.hs256(
        SECRET,
        new JsonObject()
            .put("iss", ISSUER)
            .put("aud", AUDIENCE)
            .put("sub", "svc")
            .put("iat", now - 600)
            .put("exp", now + expiresIn)
            .put("scope", scope));
  }

  @Test
  @Timeout(value = 60, timeUnit = TimeUnit.SECONDS)
  @DisplayName(
      "a valid token with docs:read is served; an expired one is UNAUTHORIZED and the connection closes")
  void tokens(Vertx vertx, VertxTestContext ctx) {
    int port = TROUPE.cluster().node(0).bridgePort();
    BridgeSocket.connect(vertx, port)
        .compose(socket -> socket.send(get(token(300, "docs:read"), "r1")).next())
        .compose(
            served -> {
              ctx.verify(
                  () -> {
                    // Served by request-service: the document does not exist.
                    assertThat(served.getString("address")).as(served.encode()).isEqualTo("r1");
                    assertThat(served.getInteger("failureCode"))
                        .isEqualTo(ErrorCode.NOT_FOUND.code());
                  });
              return BridgeSocket.connect(vertx, port);
            })
        .compose(
            socket ->
                socket
                    .send(get(token(-300, "docs:read"), "r2"))
                    .next()
                    .compose(err -> socket.closed().map(err)))
        .onComplete(
            ctx.succeeding(
                expired ->
                    ctx.verify(
                        () -> {
                          assertThat(expired.getInteger("failureCode"))
                              .isEqualTo(ErrorCode.UNAUTHORIZED.code());
                          ctx.completeNow();
                        })));
  }
}
