package dev.troupe.gateway;

import dev.troupe.shared.bus.InFlight;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.StrictJson;
import dev.troupe.shared.contract.Utf8;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.handler.sockjs.BridgeEvent;
import io.vertx.ext.web.handler.sockjs.SockJSBridgeOptions;
import io.vertx.ext.web.handler.sockjs.SockJSHandler;
import io.vertx.ext.web.handler.sockjs.SockJSHandlerOptions;
import io.vertx.ext.web.handler.sockjs.SockJSSocket;
import io.vertx.ext.web.handler.sockjs.Transport;
import java.util.HashMap;
import java.util.Map;

/**
 * The SockJS event-bus bridge at {@value #PATH} ({@code TROUPE_BRIDGE_SOCKJS=true}), for browsers
 * and other SockJS clients such as {@code @vertx/eventbus-bridge-client.js}. Same allowlists,
 * credentials and limits as the TCP bridge ({@link BridgeGuard}); the connection limit ({@code
 * TROUPE_BRIDGE_MAX_CONNECTIONS}) is the node's, shared by its gateway instances.
 */
final class SockJsBridge {
  static final String PATH = "/eventbus";

  private final BridgeGuard guard;
  private final BridgeConfig config;
  private final InFlight slots;
  private final Map<SockJSSocket, BridgeGuard.Connection> connections = new HashMap<>();

  private SockJsBridge(BridgeGuard guard, BridgeConfig config, InFlight slots) {
    this.guard = guard;
    this.config = config;
    this.slots = slots;
  }

  /**
   * Mounts the bridge under {@value #PATH}; completes once its credentials are ready (a JWT key is
   * read).
   */
  static Future<Void> mount(
      Router router,
      Vertx vertx,
      BridgeConfig config,
      GatewayConfig gateway,
      Settings settings,
      MeterRegistry registry) {
    return BridgeAuth.create(vertx, gateway, settings, registry)
        .map(
            auth -> {
              SockJsBridge bridge =
                  new SockJsBridge(
                      new BridgeGuard(config, auth, System::nanoTime, true),
                      config,
                      InFlight.of("bridge-sockjs", config.maxConnections(), registry));
              // JSONP posts its frames form-encoded or raw, and SockJS decodes that envelope with a
              // private,
              // lenient JSON reader: no strict check fits it, and no client of Troupe needs JSONP.
              Router sockJs =
                  SockJSHandler.create(
                          vertx,
                          new SockJSHandlerOptions().addDisabledTransport(Transport.JSON_P.name()))
                      .bridge(
                          BridgeGuard.options(config, new SockJSBridgeOptions()), bridge::handle);
              // SockJS's polling transports post their frames; it reads them only after a body
              // handler, and
              // as a String. Checked as bytes first, so that no frame is decoded with U+FFFD in it.
              router
                  .post(PATH + "/*")
                  .handler(BodyHandler.create(false).setBodyLimit(config.maxFrameBytes()))
                  .handler(SockJsBridge::checkPosted);
              router.route(PATH + "/*").subRouter(sockJs);
              return null;
            });
  }

  /**
   * A posted body must be UTF-8; an {@code xhr_send} body must be what SockJS defines, a JSON array
   * of strings (each a frame), in strict JSON. SockJS itself reads the array leniently (it ignores
   * what follows it) and answers a broken one with a 500.
   */
  private static void checkPosted(RoutingContext ctx) {
    Buffer body = ctx.body().buffer();
    if (body != null && !Utf8.isValid(body)) {
      Problems.send(
          ctx,
          400,
          "a SockJS frame must be RFC 8259 JSON in UTF-8, and this body is not valid UTF-8");
      return;
    }
    if (ctx.request().path().endsWith("/xhr_send") && !isArrayOfStrings(body)) {
      Problems.send(
          ctx, 400, "an xhr_send body must be one RFC 8259 JSON array of strings, each a frame");
      return;
    }
    ctx.next();
  }

  private static boolean isArrayOfStrings(Buffer body) {
    if (body == null || body.length() == 0) {
      return false;
    }
    try {
      return StrictJson.value(body) instanceof JsonArray frames
          && frames.stream().allMatch(String.class::isInstance);
    } catch (DecodeException e) {
      return false;
    }
  }

  private void handle(BridgeEvent event) {
    SockJSSocket socket = event.socket();
    switch (event.type()) {
      case SOCKET_CREATED -> {
        if (!slots.tryAcquire()) {
          socket.write(
              new JsonObject()
                  .put("type", "err")
                  .put("failureCode", ErrorCode.UNAVAILABLE.code())
                  .put(
                      "message",
                      "the bridge is at its limit of "
                          + config.maxConnections()
                          + " connections; retry later")
                  .encode());
          event.complete(false);
          socket.close();
          return;
        }
        connections.put(socket, guard.connection());
        event.complete(true);
      }
      case SOCKET_CLOSED -> {
        if (connections.remove(socket) != null) {
          slots.release();
        }
        event.complete(true);
      }
      default -> {
        BridgeGuard.Connection connection = connections.get(socket);
        if (connection == null) {
          event.complete(false);
          return;
        }
        guard.decide(
            event,
            connection,
            new BridgeGuard.Client() {
              @Override
              public void send(JsonObject frame) {
                socket.write(frame.encode());
              }

              @Override
              public void close() {
                socket.close();
              }
            });
      }
    }
  }
}
