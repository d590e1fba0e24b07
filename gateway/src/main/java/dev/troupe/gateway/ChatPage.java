package dev.troupe.gateway;

import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code GET /chat/}: a one-file web page (HTML and script, no build step) to chat through the chat
 * API and its WebSocket. Open to anyone like the OpenAPI document: the page holds no data, its
 * calls to {@code /api/v1/chat} pass the API's guards.
 */
final class ChatPage {
  static final String PATH = "/chat/";
  private static final String FILE = "webroot/chat/index.html";

  private ChatPage() {}

  static void mount(Router router) {
    router.get(PATH).handler(AccessLog::route).handler(ChatPage::send);
  }

  private static void send(RoutingContext ctx) {
    // sendFile reads the classpath resource without blocking the event loop.
    ctx.response()
        .putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "no-cache")
        .sendFile(FILE)
        .onFailure(ctx::fail);
  }
}
