package dev.troupe.testkit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Generates malformed HTTP/1.1 requests for the gateway, one family per case number: broken request
 * lines, targets, headers, transfer encodings and bodies. Every one of them must be refused: none
 * may be stored, whatever it asks. Half carry an {@code X-Request-Id} of their own, sane or not.
 */
final class Malformed {
  /** The collection every writing case aims at; it must still be empty after the fuzzing. */
  static final String COLLECTION = "fuzz";

  static final String ID_HEADER = "X-Request-Id";

  private static final List<String> BAD_JSON =
      List.of(
          "{",
          "}",
          "{\"a\":}",
          "[1,2",
          "nul",
          "{\"a\":1,}",
          "{'a':1}",
          "{\"a\":\"\\x\"}",
          "\"just a string\"",
          "42",
          "true",
          "[]",
          "{\"a\":NaN}",
          "\u0000",
          "{\"a\":1}{\"b\":2}",
          "{\"" + "k".repeat(300) + "\":1",
          "\uFEFF{}",
          "{\"a\":\"\\ud800");

  /** Not RFC 8259, though lenient readers take them; each is otherwise a fine object. */
  private static final List<String> NON_RFC =
      List.of(
          "/* c */ {\"a\":1}",
          "{\"a\":1} // c",
          "{\"a\":1 /* c */}",
          "# c\n{\"a\":1}",
          "{a:1}",
          "{\"a\":[1,2,]}",
          "{\"a\":[1,,2]}",
          "{\"a\":Infinity}",
          "{\"a\":-Infinity}",
          "{\"a\":+1}",
          "{\"a\":01}",
          "{\"a\":.5}",
          "{\"a\":1.}",
          "{\"a\":\"x\ty\"}",
          "{\"a\":'x'}",
          "{\"a\":1,\"a\":2}",
          "{\"a\":{\"b\":1,\"b\":1}}",
          "{\"a\":1,}",
          "\uFEFF{\"a\":1}",
          "{\"a\":NaN}");

  /**
   * Byte sequences that are not well-formed UTF-8: stray, overlong, surrogate, past U+10FFFF, cut
   * short.
   */
  private static final List<String> BAD_UTF8 =
      List.of(
          "80",
          "bf",
          "c080",
          "c1bf",
          "e08080",
          "f0808080",
          "eda080",
          "edbfbf",
          "f4908080",
          "f5",
          "ff",
          "fe",
          "e282",
          "f09f98",
          "c328");

  private static final List<String> BAD_SEGMENTS =
      List.of(
          "..",
          ".",
          "%2e%2e",
          "..%2f..%2fetc",
          "%00",
          "%ff%fe",
          "a%2Fb",
          "%E2%80%AE",
          "ｆｕｌｌｗｉｄｔｈ",
          "é",
          "😀",
          "a b",
          "a%20b",
          "<script>",
          "'; drop table",
          "${jndi:x}",
          "Upper",
          "-lead",
          "_lead",
          "k".repeat(129),
          "k".repeat(2000),
          "%",
          "%zz",
          "a?b",
          "a#b");

  /**
   * Targets that would reach a writable document were they resolved, decoded or taken leniently.
   */
  private static final List<String> SNEAKY_PATHS =
      List.of(
          "/api/v1/docs/fuzz/../fuzz/d",
          "/api/v1/docs/./fuzz/d",
          "/api/v1/docs/fuzz/%2e%2e/fuzz/d",
          "/api/v1/docs/fuzz/.%2E/fuzz/d",
          "/api/v1/./docs/fuzz/d",
          "/api/v1/docs/x/../fuzz/d",
          "/api/v1/docs/fuzz/d/..",
          "/api/v1/docs/fuzz/d/.",
          "/api/v1/docs/fuzz%2Fd",
          "/api/v1/docs/fuzz%2fd",
          "/api/v1/docs/fuzz/d%5Cx",
          "/api/v1/docs%2Ffuzz/d",
          "api/v1/docs/fuzz/d",
          "*",
          "fuzz/d",
          "?x=/api/v1/docs/fuzz/d",
          "%2Fapi/v1/docs/fuzz/d",
          "http:/api/v1/docs/fuzz/d",
          "./api/v1/docs/fuzz/d");

  private static final List<String> BAD_ETAGS =
      List.of(
          "3",
          "\"",
          "\"\"",
          "W/",
          "W/\"x",
          "\"-1\"",
          "\"0\"",
          "\"03\"",
          "\"1\", \"2\"",
          "*, \"1\"",
          "\"99999999999999999999\"",
          "\u00ff",
          "\" 1\"");
  private static final List<String> METHODS =
      List.of("POST", "PATCH", "TRACE", "CONNECT", "PROPFIND", "G@T", "get", "HEAD");
  private static final List<String> BAD_REQUEST_LINES =
      List.of(
          "GET /api/v1/docs/fuzz/l HTTP/9.9",
          "GET /api/v1/docs/fuzz/l",
          "GET  /api/v1/docs/fuzz/l HTTP/1.1",
          "GET /api/v1/docs/fuzz/l HTTP/1.1 x",
          "GET /api/v1/docs/fuzz/l\tHTTP/1.1",
          "GET /api/v1 docs/fuzz/l HTTP/1.1",
          "GET /api/v1/docs/fuzz/l http/1.1",
          "GET /api/v1/docs/fuzz/l HTTP/1",
          "GET /api/v1/docs/fuzz/l HTTP/1.1\u0000",
          "\u0000\u0001\u0002",
          "GET",
          " GET /api/v1/docs/fuzz/l HTTP/1.1",
          "GET /api/v1/docs/fuzz/\u007f HTTP/1.1",
          "GET /api/v1/\u00e9 HTTP/1.1",
          "GET /" + "u".repeat(9_000) + " HTTP/1.1",
          "GET /api/v1/docs/fuzz?" + "q".repeat(9_000) + " HTTP/1.1");
  private static final List<String> BAD_HEADERS =
      List.of(
          "Foo",
          "Bad Name: x",
          "Foo : x",
          ": x",
          "Foo: a\u0000b",
          " folded: x",
          "Foo: x\r\n continued",
          "Content-Length: abc",
          "Content-Length: -1",
          "Content-Length: 2, 3",
          "Content-Length: 1\r\nContent-Length: 2",
          "Transfer-Encoding: gzip",
          "Transfer-Encoding: chunked, identity",
          "Content-Length: 99999999999999999999",
          "Host: b",
          "X-" + "n".repeat(9_000) + ": x",
          "Content-Length: 2\r\nTransfer-Encoding: chunked");

  /**
   * Broken chunked bodies. Not here: a chunk size with whitespace before it or junk in its
   * extension ({@code " 2"}, {@code "2;\0"}), which Netty's decoder reads as the size and Vert.x
   * gives no way to refuse; the body then arrives as sent.
   */
  private static final List<String> BAD_CHUNKS =
      List.of(
          "zz\r\nxx\r\n0\r\n\r\n",
          "5\r\n{\"a\":\r\n0\r\n\r\n",
          "-1\r\n",
          "ffffffffffff\r\n{}\r\n0\r\n\r\n",
          "3\r\n{}\r\n0\r\n\r\n",
          "2\r\n{}0\r\n\r\n",
          "0x2\r\n{}\r\n0\r\n\r\n",
          "2\n{}\n0\n\n",
          "g\r\n{}\r\n0\r\n\r\n",
          ";2\r\n{}\r\n0\r\n\r\n",
          "2\r\n{}\r\n",
          "2\r\n{}\r\n1\r\n}\r\n0\r\nX\r\n\r\n");

  private Malformed() {}

  private static final List<String> FAMILIES =
      List.of(
          "bad-json",
          "bad-collection",
          "bad-id",
          "if-match",
          "if-none-match",
          "method",
          "big-header",
          "bad-query",
          "bad-chunks",
          "big-body",
          "content-type",
          "bad-utf8",
          "no-host",
          "sneaky-path",
          "request-line",
          "bad-header",
          "mput",
          "mget",
          "chat-post",
          "import");

  /** The name of case {@code i}'s family, for the outcome tally. */
  static String family(int i) {
    return FAMILIES.get(i % FAMILIES.size());
  }

  /**
   * Families whose requests may end in a closed connection instead of an answer: those whose bytes
   * cannot be read as a request (protocol abuse), and those refused while their body is still
   * coming.
   */
  private static final java.util.Set<String> MAY_CLOSE =
      java.util.Set.of(
          "bad-chunks", "bad-header", "request-line", "big-header", "big-body", "import");

  /** True when case {@code i} may be answered by closing the connection. */
  static boolean mayClose(int i) {
    return MAY_CLOSE.contains(family(i));
  }

  static byte[] request(Random r, int i) {
    String id = requestId(r);
    return switch (i % FAMILIES.size()) {
      case 0 ->
          put(
              "/api/v1/docs/fuzz/x" + i,
              utf8(pick(r, r.nextBoolean() ? BAD_JSON : NON_RFC)),
              "application/json",
              id);
      case 1 -> get("/api/v1/docs/" + pick(r, BAD_SEGMENTS) + "/id", id);
      case 2 -> get("/api/v1/docs/fuzz/" + pick(r, BAD_SEGMENTS), id);
      case 3 ->
          put(
              "/api/v1/docs/fuzz/e" + i,
              utf8("{}"),
              "application/json",
              id,
              "If-Match: " + pick(r, BAD_ETAGS));
      case 4 -> get("/api/v1/docs/fuzz/e" + i, id, "If-None-Match: " + pick(r, BAD_ETAGS));
      case 5 ->
          raw(
              pick(r, METHODS)
                  + " /api/v1/docs/fuzz/m"
                  + i
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + header(id)
                  + "Content-Length: 2\r\n\r\n{}");
      case 6 ->
          raw(
              "GET /api/v1/docs/fuzz/h HTTP/1.1\r\nHost: x\r\n"
                  + header(id)
                  + "X-Big: "
                  + "h".repeat(9_000 + r.nextInt(20_000))
                  + "\r\n\r\n");
      case 7 ->
          raw(
              "GET /api/v1/docs/fuzz?limit="
                  + pick(r, List.of("-1", "0", "1001", "1e3", "x", "99999999999", "1.5"))
                  + "&after="
                  + pick(r, BAD_SEGMENTS)
                  + " HTTP/1.1\r\nHost: x\r\n"
                  + header(id)
                  + "\r\n");
      case 8 ->
          raw(
              "PUT /api/v1/docs/fuzz/c"
                  + i
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + header(id)
                  + "Transfer-Encoding: chunked\r\n\r\n"
                  + pick(r, BAD_CHUNKS));
      case 9 ->
          put(
              "/api/v1/docs/fuzz/big" + i,
              utf8("{\"a\":\"" + "x".repeat(70_000) + "\"}"),
              "application/json",
              id);
      case 10 ->
          put(
              "/api/v1/docs/fuzz/t" + i,
              utf8("{\"a\":1}"),
              pick(
                  r,
                  List.of(
                      "text/plain",
                      "application/xml",
                      "multipart/form-data; boundary=x",
                      "application/x-www-form-urlencoded",
                      "json")),
              id);
      case 11 -> put("/api/v1/docs/fuzz/u" + i, badUtf8Object(r), "application/json", id);
      case 12 -> noHost(r, i, id);
      case 13 ->
          raw(
              "PUT "
                  + pick(r, SNEAKY_PATHS)
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + header(id)
                  + "Content-Length: 7\r\n\r\n{\"a\":1}");
      case 14 -> raw(pick(r, BAD_REQUEST_LINES) + "\r\nHost: x\r\n" + header(id) + "\r\n");
      case 15 ->
          raw(
              "PUT /api/v1/docs/fuzz/hd"
                  + i
                  + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  + header(id)
                  + pick(r, BAD_HEADERS)
                  + "\r\nContent-Length: 2\r\n\r\n[]");
      case 16 -> post("/api/v1/docs/fuzz/_mput", batch(r, true, i), id);
      case 17 -> post("/api/v1/docs/fuzz/_mget", batch(r, false, i), id);
      case 18 -> post("/api/v1/chat/rooms/fuzz/messages", chatPost(r), id);
      default -> importing(r, i, id);
    };
  }

  static String show(byte[] request) {
    String text =
        new String(request, 0, Math.min(request.length, 200), StandardCharsets.ISO_8859_1);
    return text.replace("\r", "\\r").replace("\n", "\\n");
  }

  /** The {@code X-Request-Id} the request carries, as sent, or null. */
  static String sentId(byte[] request) {
    String text = new String(request, StandardCharsets.ISO_8859_1);
    int headEnd = text.indexOf("\r\n\r\n");
    String head = headEnd < 0 ? text : text.substring(0, headEnd);
    int at = head.indexOf("\r\n" + ID_HEADER + ": ");
    if (at < 0) {
      return null;
    }
    int from = at + ID_HEADER.length() + 4;
    int end = head.indexOf("\r\n", from);
    if (end >= 0
        && end + 2 < head.length()
        && (head.charAt(end + 2) == ' ' || head.charAt(end + 2) == '\t')) {
      // An obsolete line folding: the next line continues the id, which is no longer the one sent.
      return null;
    }
    return head.substring(from, end < 0 ? head.length() : end);
  }

  /** No id, a sane one (which must come back), or one the gateway must replace. */
  private static String requestId(Random r) {
    return switch (r.nextInt(4)) {
      case 0, 1 -> null;
      case 2 -> "fuzz-" + Long.toHexString(r.nextLong());
      default -> pick(r, List.of("", "has space", "x".repeat(200), "ünïcode", "a,b", "<id>"));
    };
  }

  private static String header(String id) {
    return id == null ? "" : ID_HEADER + ": " + id + "\r\n";
  }

  /**
   * A request that is fine but for its missing {@code Host}: it must not be served, a write least
   * of all.
   */
  private static byte[] noHost(Random r, int i, String id) {
    return switch (r.nextInt(3)) {
      case 0 -> raw("GET /api/v1/docs/fuzz/n" + i + " HTTP/1.1\r\n" + header(id) + "\r\n");
      case 1 -> raw("GET /health/ready HTTP/1.1\r\n" + header(id) + "\r\n");
      default ->
          raw(
              "PUT /api/v1/docs/fuzz/n"
                  + i
                  + " HTTP/1.1\r\nContent-Type: application/json\r\n"
                  + header(id)
                  + "Content-Length: 7\r\n\r\n{\"a\":1}");
    };
  }

  private static byte[] badUtf8Object(Random r) {
    byte[] bad = HexFormat.of().parseHex(pick(r, BAD_UTF8));
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    boolean inName = r.nextBoolean();
    out.writeBytes(utf8(inName ? "{\"" : "{\"a\":\"é"));
    out.writeBytes(bad);
    out.writeBytes(utf8(inName ? "\":1}" : "x\"}"));
    return out.toByteArray();
  }

  /** A batch body that is broken as a whole or in one of its items. */
  private static byte[] batch(Random r, boolean put, int i) {
    return switch (r.nextInt(4)) {
      case 0 -> utf8(pick(r, NON_RFC));
      case 1 -> badUtf8Object(r);
      default ->
          put
              ? utf8(
                  "{\"items\":[{\"id\":\"p"
                      + i
                      + "\",\"data\":"
                      + pick(r, NON_RFC).replace('\n', ' ')
                      + "}]}")
              : utf8(
                  "{\"ids\":[\"g"
                      + i
                      + "\""
                      + pick(
                          r,
                          List.of(
                              "] // c}",
                              ",]}",
                              "]/* c */}",
                              "],\"ids\":[\"x\"]}",
                              "] , }",
                              ",'g']}")));
    };
  }

  private static byte[] chatPost(Random r) {
    return switch (r.nextInt(3)) {
      case 0 -> utf8("{\"from\":\"fuzz\",\"text\":\"hi\"} // c");
      case 1 -> utf8("{\"from\":\"fuzz\",\"text\":\"hi\",\"text\":\"again\"}");
      default -> badUtf8Object(r);
    };
  }

  /**
   * An import with one bad line among good ones: the import fails, naming it, and writes none of
   * them.
   */
  private static byte[] importing(Random r, int i, String id) {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    int bad = r.nextInt(4);
    for (int line = 0; line < 4; line++) {
      if (line == bad) {
        body.writeBytes(
            r.nextBoolean() ? utf8(pick(r, NON_RFC).replace('\n', ' ')) : badUtf8Object(r));
      } else {
        body.writeBytes(utf8("{\"id\":\"j" + i + "-" + line + "\",\"data\":{\"n\":" + line + "}}"));
      }
      body.write('\n');
    }
    byte[] bytes = body.toByteArray();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        utf8(
            "POST /api/v1/jobs?type=import&collection="
                + COLLECTION
                + " HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: application/x-ndjson\r\n"
                + header(id)
                + "Content-Length: "
                + bytes.length
                + "\r\n\r\n"));
    out.writeBytes(bytes);
    return out.toByteArray();
  }

  private static String pick(Random r, List<String> options) {
    return options.get(r.nextInt(options.size()));
  }

  private static byte[] get(String path, String id) {
    return get(path, id, null);
  }

  private static byte[] get(String path, String id, String header) {
    return raw(
        "GET "
            + path
            + " HTTP/1.1\r\nHost: x\r\n"
            + header(id)
            + (header == null ? "" : header + "\r\n")
            + "\r\n");
  }

  private static byte[] put(String path, byte[] body, String contentType, String id) {
    return put(path, body, contentType, id, null);
  }

  private static byte[] put(
      String path, byte[] body, String contentType, String id, String header) {
    return withBody("PUT", path, body, contentType, id, header);
  }

  private static byte[] post(String path, byte[] body, String id) {
    return withBody("POST", path, body, "application/json", id, null);
  }

  private static byte[] withBody(
      String method, String path, byte[] body, String contentType, String id, String header) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    String head =
        method
            + " "
            + path
            + " HTTP/1.1\r\nHost: x\r\nContent-Type: "
            + contentType
            + "\r\n"
            + header(id)
            + (header == null ? "" : header + "\r\n")
            + "Content-Length: "
            + body.length
            + "\r\n\r\n";
    out.writeBytes(utf8(head));
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] utf8(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] raw(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
