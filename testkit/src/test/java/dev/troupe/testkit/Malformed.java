package dev.troupe.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/** Generates malformed HTTP requests for the gateway, one family per case number. */
final class Malformed {
  private static final List<String> BAD_JSON = List.of("{", "}", "{\"a\":}", "[1,2", "nul", "{\"a\":1,}",
      "{'a':1}", "{\"a\":\"\\x\"}", "\"just a string\"", "42", "true", "[]", "{\"a\":NaN}", "\u0000",
      "{\"a\":\"\ud800\"}", "{\"a\":1}{\"b\":2}", "{\"" + "k".repeat(300) + "\":1", "\uFEFF{}");
  private static final List<String> BAD_SEGMENTS = List.of("..", ".", "%2e%2e", "..%2f..%2fetc", "%00",
      "%ff%fe", "a%2Fb", "%E2%80%AE", "ｆｕｌｌｗｉｄｔｈ", "é", "😀", "a b", "a%20b", "<script>", "'; drop table",
      "${jndi:x}", "Upper", "-lead", "_lead", "k".repeat(129), "k".repeat(2000), "%", "%zz", "a?b", "a#b");
  private static final List<String> BAD_ETAGS = List.of("3", "\"", "\"\"", "W/", "W/\"x", "\"-1\"", "\"0\"",
      "\"03\"", "\"1\", \"2\"", "*, \"1\"", "\"99999999999999999999\"", "\u00ff", "\" 1\"");
  private static final List<String> METHODS = List.of("POST", "PATCH", "TRACE", "CONNECT", "PROPFIND", "OPTIONS",
      "G@T", "get", "HEAD");

  private Malformed() {}

  static byte[] request(Random r, int i) {
    return switch (i % 12) {
      case 0 -> put("/api/v1/docs/fuzz/x" + i, pick(r, BAD_JSON), "application/json", null);
      case 1 -> get("/api/v1/docs/" + pick(r, BAD_SEGMENTS) + "/id", null);
      case 2 -> get("/api/v1/docs/fuzz/" + pick(r, BAD_SEGMENTS), null);
      case 3 -> put("/api/v1/docs/fuzz/e" + i, "{}", "application/json", "If-Match: " + pick(r, BAD_ETAGS));
      case 4 -> get("/api/v1/docs/fuzz/e" + i, "If-None-Match: " + pick(r, BAD_ETAGS));
      case 5 -> raw(pick(r, METHODS) + " /api/v1/docs/fuzz/m" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\n{}");
      case 6 -> raw("GET /api/v1/docs/fuzz/h HTTP/1.1\r\nHost: x\r\nX-Big: " + "h".repeat(9_000 + r.nextInt(20_000)) + "\r\n\r\n");
      case 7 -> raw("GET /api/v1/docs/fuzz?limit=" + pick(r, List.of("-1", "0", "1001", "1e3", "x", "", "99999999999",
          "1&limit=2")) + "&after=" + pick(r, BAD_SEGMENTS) + " HTTP/1.1\r\nHost: x\r\n\r\n");
      case 8 -> raw("GET /api/v1/docs/fuzz/b" + i + " HTTP/1.1\r\nHost: x\r\nContent-Length: 9\r\n\r\n{\"a\":42}!");
      case 9 -> raw("PUT /api/v1/docs/fuzz/c" + i + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\n" + pick(r, List.of("zz\r\nxx\r\n0\r\n\r\n", "5\r\n{\"a\":\r\n0\r\n\r\n",
          "-1\r\n", "ffffffffffff\r\n{}\r\n0\r\n\r\n", "3\r\n{}\r\n0\r\n\r\n")));
      case 10 -> put("/api/v1/docs/fuzz/big" + i, "{\"a\":\"" + "x".repeat(70_000) + "\"}", "application/json", null);
      default -> put("/api/v1/docs/fuzz/t" + i, "{\"a\":1}", pick(r, List.of("text/plain", "application/xml",
          "multipart/form-data; boundary=x", "application/x-www-form-urlencoded", "json", "application/json; charset=\u00ff")), null);
    };
  }

  static String show(byte[] request) {
    String text = new String(request, 0, Math.min(request.length, 200), StandardCharsets.ISO_8859_1);
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }

  private static String pick(Random r, List<String> options) {
    return options.get(r.nextInt(options.size()));
  }

  private static byte[] get(String path, String header) {
    return raw("GET " + path + " HTTP/1.1\r\nHost: x\r\n" + (header == null ? "" : header + "\r\n") + "\r\n");
  }

  private static byte[] put(String path, String body, String contentType, String header) {
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head = "PUT " + path + " HTTP/1.1\r\nHost: x\r\nContent-Type: " + contentType + "\r\n"
        + (header == null ? "" : header + "\r\n") + "Content-Length: " + bytes.length + "\r\n\r\n";
    out.writeBytes(head.getBytes(StandardCharsets.UTF_8));
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  private static byte[] raw(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
