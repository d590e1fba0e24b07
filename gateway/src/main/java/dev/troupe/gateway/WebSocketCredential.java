package dev.troupe.gateway;

import dev.troupe.shared.contract.ChatContract;
import io.vertx.core.http.HttpServerRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * A browser cannot set headers on a WebSocket, so it may carry its credential in the one header it
 * can set, {@code Sec-WebSocket-Protocol}: it offers the protocol {@value #PROTOCOL} and, as a
 * second protocol, {@value #PREFIX} followed by the base64url (no padding) of what it would have
 * sent as {@code Authorization} ({@code ApiKey <key>} or {@code Bearer <JWT>}), e.g. {@code new
 * WebSocket(url, [PROTOCOL, PREFIX + base64url("ApiKey " + key)])}. The server answers with {@value
 * #PROTOCOL} only, never echoing the credential. An {@code Authorization} header, when present,
 * wins. The credential is checked like the header's (the same keys, tokens and scopes), and never
 * logged.
 */
final class WebSocketCredential {
  /**
   * The subprotocol the server selects; a client offering a credential must offer it too. It is
   * named after the chat contract whose stream it carries.
   */
  static final String PROTOCOL = ChatContract.ADDRESS;

  static final String PREFIX = "troupe.auth.";

  /** Longer than any sane JWT; a longer offer is ignored (and so is no credential). */
  private static final int MAX_LENGTH = 16 * 1024;

  private WebSocketCredential() {}

  /** The {@code Authorization} value an upgrade request offers as a subprotocol, or null. */
  static String authorization(HttpServerRequest request) {
    if (!"websocket".equalsIgnoreCase(request.getHeader("Upgrade"))) {
      return null;
    }
    for (String header : request.headers().getAll("Sec-WebSocket-Protocol")) {
      for (String offered : header.split(",")) {
        String protocol = offered.trim();
        if (protocol.startsWith(PREFIX) && protocol.length() <= MAX_LENGTH) {
          try {
            return new String(
                Base64.getUrlDecoder().decode(protocol.substring(PREFIX.length())),
                StandardCharsets.UTF_8);
          } catch (IllegalArgumentException e) {
            return null;
          }
        }
      }
    }
    return null;
  }
}
