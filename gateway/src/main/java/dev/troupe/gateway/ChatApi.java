package dev.troupe.gateway;

import dev.troupe.shared.bus.Action;
import dev.troupe.shared.contract.ChatContract;
import dev.troupe.shared.contract.ChatWire;
import dev.troupe.shared.contract.JsonFields;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;

/**
 * The chat API, {@code /api/v1/chat}: maps HTTP onto {@link ChatContract} on {@code troupe.chat.v1}
 * and back; the rules (who is a member, how messages are numbered) are the chat service's. The
 * reader of a room's messages is named by the {@code user} query parameter, checked by the room
 * like a poster's {@code from}. Who the caller may name as the user (path, {@code from}, {@code
 * user}) is {@link ChatIdentity}'s rule, checked before the chat service is asked. On a cluster
 * where no node runs chat the bus has no handler and the answer is a 503 problem. Calls go through
 * the gateway's one policy ({@link Calls}): only what {@link ChatContract} declares idempotent is
 * sent again, and a post, which the room would number twice, never is.
 */
final class ChatApi {
  static final String BASE = "/api/v1/chat";
  static final String ROOM = BASE + "/rooms/:room";
  static final String USER = BASE + "/users/:user";
  private static final String JSON = "application/json";

  private final Calls calls;
  private final int maxBodyBytes;
  private final ChatIdentity identity;

  ChatApi(Calls calls, int maxBodyBytes, ChatIdentity identity) {
    this.calls = calls;
    this.maxBodyBytes = maxBodyBytes;
    this.identity = identity;
  }

  void mount(Router router) {
    router.put(ROOM + "/members/:user").handler(AccessLog::route).handler(this::join);
    router.delete(ROOM + "/members/:user").handler(AccessLog::route).handler(this::leave);
    router
        .post(ROOM + "/messages")
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(AccessLog::route)
        .handler(this::post);
    router.get(ROOM + "/messages").handler(AccessLog::route).handler(this::history);
    router.get(ROOM + "/members").handler(AccessLog::route).handler(this::members);
    router
        .post(ROOM + "/read")
        .handler(BodyHandler.create(false).setBodyLimit(maxBodyBytes))
        .handler(AccessLog::route)
        .handler(this::read);
    router.get(USER).handler(AccessLog::route).handler(this::user);
  }

  private void join(RoutingContext ctx) {
    membership(ctx, ChatContract.JOIN);
  }

  private void leave(RoutingContext ctx) {
    membership(ctx, ChatContract.LEAVE);
  }

  /** Joining or leaving twice changes nothing, so both always answer 200 with the member count. */
  private void membership(RoutingContext ctx, Action<ChatContract.Membership, JsonObject> action) {
    ChatContract.Membership membership =
        new ChatContract.Membership(ctx.pathParam("room"), ctx.pathParam("user"));
    identity.require(ctx, membership.user());
    call(ctx, action, membership, 200);
  }

  private void post(RoutingContext ctx) {
    JsonObject body = DocsApi.jsonObjectBody(ctx);
    ChatContract.Post post =
        new ChatContract.Post(
            ctx.pathParam("room"),
            JsonFields.string(body, "from"),
            JsonFields.string(body, "text"));
    identity.require(ctx, post.from());
    call(ctx, ChatContract.POST, post, 201);
  }

  private void history(RoutingContext ctx) {
    ChatContract.HistoryQuery query =
        new ChatContract.HistoryQuery(
            ctx.pathParam("room"),
            reader(ctx),
            integer(ctx, "after", 0),
            limit(ctx, ChatContract.DEFAULT_LIMIT));
    identity.require(ctx, query.user());
    call(ctx, ChatContract.HISTORY, query, 200);
  }

  private void members(RoutingContext ctx) {
    String after = ctx.queryParams().get("after");
    ChatContract.MembersQuery query =
        new ChatContract.MembersQuery(
            ctx.pathParam("room"),
            reader(ctx),
            after == null || after.isEmpty() ? null : after,
            limit(ctx, ChatContract.DEFAULT_MEMBERS_LIMIT));
    identity.require(ctx, query.user());
    call(ctx, ChatContract.MEMBERS, query, 200);
  }

  /** The member a read is made as: {@code ?user=}. */
  private static String reader(RoutingContext ctx) {
    String user = ctx.queryParams().get("user");
    if (user == null || user.isEmpty()) {
      throw TroupeException.badRequest("name the reading user: ?user=<member of the room>");
    }
    return user;
  }

  /** {@code ?limit=}, refused outside 1 to 1000 before it could wrap round as an int. */
  private static int limit(RoutingContext ctx, int absent) {
    long limit = integer(ctx, "limit", absent);
    if (limit < 1 || limit > ChatContract.MAX_LIMIT) {
      throw TroupeException.badRequest(
          "limit must be 1 to " + ChatContract.MAX_LIMIT + ", got " + limit);
    }
    return (int) limit;
  }

  /** The contract checks the body's types: {@code seq} must be an integer, {@code user} a name. */
  private void read(RoutingContext ctx) {
    JsonObject body = DocsApi.jsonObjectBody(ctx);
    JsonObject marker =
        new JsonObject()
            .put("room", ctx.pathParam("room"))
            .put("user", body.getValue("user"))
            .put("seq", body.getValue("seq"));
    ChatContract.ReadMarker checked = ChatWire.readMarker(marker);
    identity.require(ctx, checked.user());
    call(ctx, ChatContract.READ, checked, 200);
  }

  private void user(RoutingContext ctx) {
    ChatContract.UserQuery query = new ChatContract.UserQuery(ctx.pathParam("user"));
    identity.require(ctx, query.user());
    call(ctx, ChatContract.USER, query, 200);
  }

  /** One call of the chat service; its reply is the response body, a failure a problem. */
  private <Q> void call(RoutingContext ctx, Action<Q, JsonObject> action, Q request, int status) {
    calls.respond(
        ctx,
        action,
        request,
        reply ->
            ctx.response()
                .setStatusCode(status)
                .putHeader("Content-Type", JSON)
                .end(reply.toBuffer()));
  }

  private static long integer(RoutingContext ctx, String name, long absent) {
    String value = ctx.queryParams().get(name);
    if (value == null || value.isEmpty()) {
      return absent;
    }
    try {
      return Long.parseLong(value);
    } catch (NumberFormatException e) {
      throw TroupeException.badRequest(name + " must be an integer, got '" + value + "'");
    }
  }
}
