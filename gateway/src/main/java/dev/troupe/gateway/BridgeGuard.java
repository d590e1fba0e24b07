package dev.troupe.gateway;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.bus.Failures;
import dev.troupe.shared.contract.CacheContract;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.RequestContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.bridge.BaseBridgeEvent;
import io.vertx.ext.bridge.BridgeOptions;
import io.vertx.ext.bridge.PermittedOptions;
import java.util.Set;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The rules every bridged frame passes, for the TCP and the SockJS bridge alike. The allowlists of
 * addresses ({@link #options}) are the bridges' own; on top of them:
 *
 * <ul>
 *   <li>the first frame that sends, publishes or registers must carry a credential in {@code
 *       headers.authorization} ({@code ApiKey <key>} or {@code Bearer <JWT>}); the connection is
 *       that caller from then on, and a connection whose credential fails is closed. The header is
 *       removed before the frame reaches the bus, so no service ever sees a credential;
 *   <li>subscribing and read actions ({@code get}, {@code list}, {@code getMany}, {@code changes},
 *       {@code stats}, {@code ping}) need {@code docs:read}, everything else {@code docs:write};
 *       any frame to or from chat ({@code troupe.chat.v1} and its user addresses) needs {@code
 *       chat:admin};
 *   <li>a connection sends at most {@code TROUPE_BRIDGE_FRAMES_PER_SEC} frames a second, each of at
 *       most {@code TROUPE_BRIDGE_MAX_FRAME_BYTES}.
 * </ul>
 *
 * A refused frame gets an {@code err} frame with the {@link ErrorCode} number as {@code
 * failureCode} (addressed to its {@code replyAddress} when it had one, so the client's reply
 * handler sees the failure), then the bridge's own {@code err} frame for a blocked frame.
 */
final class BridgeGuard {
  static final String AUTHORIZATION = "authorization";
  private static final Logger LOG = LoggerFactory.getLogger(BridgeGuard.class);
  private static final Set<String> READ_ACTIONS =
      Set.of(
          RequestContract.GET.name(),
          RequestContract.LIST.name(),
          RequestContract.GET_MANY.name(),
          RequestContract.CHANGES.name(),
          CacheContract.STATS.name(),
          Bus.PING);

  private final BridgeConfig config;
  private final BridgeAuth auth;
  private final LongSupplier nanoClock;
  private final boolean checkFrameSize;

  /**
   * @param checkFrameSize whether to measure each frame here; the TCP bridge's front already
   *     refuses an oversized frame from its length, the SockJS bridge has no such front
   */
  BridgeGuard(
      BridgeConfig config, BridgeAuth auth, LongSupplier nanoClock, boolean checkFrameSize) {
    this.config = config;
    this.auth = auth;
    this.nanoClock = nanoClock;
    this.checkFrameSize = checkFrameSize;
  }

  /**
   * The bridges' allowlists: inbound (send, publish) and outbound (register) addresses from the
   * settings.
   */
  static <T extends BridgeOptions> T options(BridgeConfig config, T options) {
    config
        .inbound()
        .forEach(a -> options.addInboundPermitted(new PermittedOptions().setAddress(a)));
    config
        .outbound()
        .forEach(a -> options.addOutboundPermitted(new PermittedOptions().setAddress(a)));
    return options;
  }

  /** Where a refusal goes: the err frame to the client, and whether the connection must close. */
  interface Client {
    void send(JsonObject frame);

    void close();
  }

  /** What the guard knows of one connection: who it is and its frame budget. */
  final class Connection {
    private Future<Caller> caller;
    private double tokens = config.framesPerSecond();
    private long refilledAt = nanoClock.getAsLong();

    private boolean takeFrame() {
      long now = nanoClock.getAsLong();
      tokens =
          Math.min(
              config.framesPerSecond(),
              tokens + (now - refilledAt) / 1e9 * config.framesPerSecond());
      refilledAt = now;
      if (tokens < 1) {
        return false;
      }
      tokens -= 1;
      return true;
    }
  }

  Connection connection() {
    return new Connection();
  }

  /** Completes {@code event} with true to let it through, or refuses it (see the class comment). */
  void decide(BaseBridgeEvent event, Connection connection, Client client) {
    switch (event.type()) {
      case SEND, PUBLISH, REGISTER -> check(event, connection, client);
      default -> event.complete(true);
    }
  }

  private void check(BaseBridgeEvent event, Connection connection, Client client) {
    JsonObject frame = event.getRawMessage();
    Object rawHeaders = frame.getValue("headers");
    JsonObject headers = rawHeaders instanceof JsonObject h ? h : null;
    Object credential = headers == null ? null : headers.getValue(AUTHORIZATION);
    if (headers != null && headers.containsKey(AUTHORIZATION)) {
      JsonObject stripped = frame.copy();
      stripped.getJsonObject("headers").remove(AUTHORIZATION);
      event.setRawMessage(stripped);
    }
    if (checkFrameSize && frame.toBuffer().length() > config.maxFrameBytes()) {
      refuse(
          event,
          client,
          new TroupeException(
              ErrorCode.PAYLOAD_TOO_LARGE,
              "a frame may hold at most " + config.maxFrameBytes() + " bytes"),
          false);
      return;
    }
    if (!connection.takeFrame()) {
      refuse(
          event,
          client,
          new TroupeException(
              ErrorCode.TOO_MANY_REQUESTS,
              "at most " + config.framesPerSecond() + " frames a second per connection; slow down"),
          false);
      return;
    }
    if (connection.caller == null) {
      connection.caller =
          credential instanceof String c
              ? auth.authenticate(c)
              : Future.failedFuture(
                  new TroupeException(
                      ErrorCode.UNAUTHORIZED,
                      "the first frame must carry a credential in headers.authorization ('ApiKey <key>' or 'Bearer <JWT>')"));
    }
    String needed = needed(event, headers);
    connection.caller.onComplete(
        ar -> {
          if (ar.failed()) {
            LOG.debug("bridged connection refused: {}", ar.cause().getMessage());
            refuse(event, client, Failures.normalise(ar.cause()), true);
          } else if (!ar.result().scopes().contains(needed)) {
            refuse(
                event,
                client,
                new TroupeException(
                    ErrorCode.FORBIDDEN,
                    "'" + ar.result().subject() + "' lacks the scope " + needed),
                false);
          } else {
            event.complete(true);
          }
        });
  }

  private static String needed(BaseBridgeEvent event, JsonObject headers) {
    Object address = event.getRawMessage().getValue("address");
    if (address instanceof String a
        && (a.equals(ChatContract.ADDRESS) || a.startsWith(ChatContract.ADDRESS + "."))) {
      // A bridged frame names its chat user in the body, and no credential on a bridge is held to
      // one
      // (ChatIdentity is the gateway's): only a service trusted to act for any user may use chat
      // here.
      return Scopes.CHAT_ADMIN;
    }
    return switch (event.type()) {
      case REGISTER -> Scopes.READ;
      case SEND ->
          headers != null && READ_ACTIONS.contains(String.valueOf(headers.getValue(Bus.ACTION)))
              ? Scopes.READ
              : Scopes.WRITE;
      default -> Scopes.WRITE;
    };
  }

  private static void refuse(
      BaseBridgeEvent event, Client client, TroupeException failure, boolean close) {
    JsonObject frame = event.getRawMessage();
    JsonObject err =
        new JsonObject()
            .put("type", "err")
            .put("failureCode", failure.code().code())
            .put("failureType", "RECIPIENT_FAILURE")
            .put("message", failure.getMessage());
    Object replyAddress = frame.getValue("replyAddress");
    if (replyAddress instanceof String reply) {
      err.put("address", reply).put("sourceAddress", frame.getValue("address"));
    }
    client.send(err);
    event.complete(false);
    if (close) {
      client.close();
    }
  }
}
