package dev.troupe.gateway;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.ext.web.RoutingContext;

/**
 * Who a caller may act as in chat: the one rule behind every chat route (join, leave, post's {@code
 * from}, the history's and the members list's {@code user}, the read marker's {@code user}, the
 * user's state and the stream).
 *
 * <ul>
 *   <li>{@code TROUPE_AUTH=none}: anyone as anyone, as before (there is no caller to hold to a
 *       name);
 *   <li>{@code apikey}: as the key's name;
 *   <li>{@code jwt}: as the token's {@code sub}, or the claim {@code TROUPE_JWT_CHAT_USER_CLAIM}
 *       names;
 *   <li>a credential with the scope {@code chat:admin} (an API key or a token): as any user.
 * </ul>
 *
 * Anything else is FORBIDDEN (a 403 problem) before the chat service is asked. With authentication
 * on, a request without a caller is refused too: the rule fails closed.
 */
final class ChatIdentity {
  private final boolean open;

  /**
   * @param authMode {@code TROUPE_AUTH}: {@code none}, {@code apikey} or {@code jwt}
   */
  ChatIdentity(String authMode) {
    this.open = authMode.equals("none");
  }

  /** Fails with FORBIDDEN unless the request's caller may act in chat as {@code user}. */
  void require(RoutingContext ctx, String user) {
    if (open) {
      return;
    }
    Caller caller = ctx.get(Caller.KEY);
    if (caller == null) {
      throw new TroupeException(
          ErrorCode.FORBIDDEN, "no authenticated caller: chat needs a credential");
    }
    if (!allows(caller, user)) {
      throw new TroupeException(ErrorCode.FORBIDDEN, refusal(caller, user));
    }
  }

  /** The rule itself: oneself, or anyone with {@code chat:admin}. */
  static boolean allows(Caller caller, String user) {
    return caller.scopes().contains(Scopes.CHAT_ADMIN)
        || (caller.chatUser() != null && caller.chatUser().equals(user));
  }

  private static String refusal(Caller caller, String user) {
    String self =
        caller.chatUser() == null
            ? "the credential of '" + caller.subject() + "' names no chat user"
            : "the credential of '"
                + caller.subject()
                + "' acts in chat only as '"
                + caller.chatUser()
                + "'";
    return self
        + ", not as '"
        + user
        + "'; acting for other users needs the scope "
        + Scopes.CHAT_ADMIN;
  }
}
