package dev.troupe.chat;

import dev.troupe.shared.actor.ActorConfig;
import dev.troupe.shared.actor.ActorContext;
import dev.troupe.shared.actor.ActorType;
import dev.troupe.shared.actor.Outcome;
import dev.troupe.shared.cluster.NodeRuntime;
import dev.troupe.shared.config.Settings;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One open WebSocket stream of a user: a child of the user's actor ({@link UserActor}), named by
 * the stream's id, living on the user actor's node. It owns delivery to its socket: each frame its
 * parent hands it is sent to the stream's end on its gateway node ({@link
 * ChatContract#streamAddress}), which answers once the frame is written to the socket. At most
 * {@code TROUPE_CHAT_SESSION_MAX_QUEUED} frames may be unanswered; one more means the socket does
 * not keep up, and the session drops it: it closes the socket (1008) and stops, and its parent,
 * which watches it, takes the stream out of the user's presence. A frame the gateway cannot write
 * (the socket closed, its node gone, no answer within the ask timeout) ends the session too. The
 * parent never waits for any of this, so one slow socket holds back neither the user's actor nor
 * its other sockets.
 *
 * <p>Its state, the count of unanswered frames, lives in memory only, as every child's does.
 */
public final class SessionActor implements ActorType<SessionActor.Queue, JsonObject> {
  /** The actor type name. */
  public static final String TYPE = "chat-session";

  static final SessionActor INSTANCE = new SessionActor();

  /** The default of {@code TROUPE_CHAT_SESSION_MAX_QUEUED}. */
  static final int DEFAULT_MAX_QUEUED = 256;

  static final short POLICY_VIOLATION = 1008;
  static final short INTERNAL_ERROR = 1011;

  private static final String OP = "op";
  private static final String FRAME = "frame";
  private static final String WRITTEN = "written";
  private static final String LOST = "lost";
  private static final Logger LOG = LoggerFactory.getLogger(SessionActor.class);

  /** The frames sent to the socket and not yet answered. */
  public record Queue(int unanswered) {}

  /** The message {@code message} (a chat message as published) to write to the session's socket. */
  static JsonObject frame(JsonObject message) {
    return new JsonObject().put(OP, FRAME).put(FRAME, message);
  }

  /** The body that closes the stream's socket with {@code status}. */
  static JsonObject close(short status, String reason) {
    return new JsonObject()
        .put(ChatContract.STREAM_CLOSE, status)
        .put(ChatContract.STREAM_REASON, reason);
  }

  @Override
  public String name() {
    return TYPE;
  }

  @Override
  public Queue initialState(String key) {
    return new Queue(0);
  }

  @Override
  public JsonObject encodeState(Queue state) {
    return new JsonObject().put("unanswered", state.unanswered());
  }

  @Override
  public Queue decodeState(JsonObject json) {
    return new Queue(json.getInteger("unanswered", 0));
  }

  @Override
  public JsonObject decodeMessage(JsonObject json) {
    String op = json.getString(OP);
    if (FRAME.equals(op) && json.getValue(FRAME) instanceof JsonObject
        || WRITTEN.equals(op)
        || LOST.equals(op)) {
      return json;
    }
    throw TroupeException.badRequest("a chat session has no operation " + op);
  }

  @Override
  public Future<Outcome<Queue>> handle(ActorContext ctx, Queue state, JsonObject message) {
    String address = ChatContract.streamAddress(ctx.self().key());
    switch (message.getString(OP)) {
      case WRITTEN:
        return done(new Queue(Math.max(0, state.unanswered() - 1)));
      case LOST:
        end(ctx, address, INTERNAL_ERROR, "the stream could not be written: reconnect");
        return done(state);
      default:
        break;
    }
    Limits limits = limits(ctx);
    if (state.unanswered() >= limits.maxQueued()) {
      LOG.info(
          "dropping chat stream {} of {}: it does not keep up",
          ctx.self().key(),
          ctx.self().parent().key());
      end(ctx, address, POLICY_VIOLATION, "too slow: read the history and reconnect");
      return done(state);
    }
    JsonObject frame =
        new JsonObject().put(ChatContract.STREAM_FRAME, message.getJsonObject(FRAME));
    ctx.vertx()
        .eventBus()
        .request(address, frame, new DeliveryOptions().setSendTimeout(limits.timeoutMs()))
        .onComplete(
            answer ->
                ctx.tell(
                    ctx.self(), new JsonObject().put(OP, answer.succeeded() ? WRITTEN : LOST)));
    return done(new Queue(state.unanswered() + 1));
  }

  /** Closes the socket (if it is still there) and stops this session. */
  private static void end(ActorContext ctx, String address, short status, String reason) {
    ctx.vertx().eventBus().send(address, close(status, reason));
    ctx.stopSelf();
  }

  private static Future<Outcome<Queue>> done(Queue next) {
    return Future.succeededFuture(Outcome.update(next, null));
  }

  private record Limits(int maxQueued, long timeoutMs) {}

  private static Limits limits(ActorContext ctx) {
    return NodeRuntime.find(ctx.vertx())
        .map(NodeRuntime::settings)
        .map(SessionActor::limits)
        .orElse(new Limits(DEFAULT_MAX_QUEUED, 10_000));
  }

  private static Limits limits(Settings settings) {
    return new Limits(
        settings.integer("TROUPE_CHAT_SESSION_MAX_QUEUED", DEFAULT_MAX_QUEUED, 1, 100_000),
        ActorConfig.from(settings).askTimeoutMs());
  }
}
