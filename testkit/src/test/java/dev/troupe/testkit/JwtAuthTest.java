package dev.troupe.testkit;

import static dev.troupe.testkit.DocumentApiClusterTest.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.junit5.Checkpoint;
import io.vertx.junit5.VertxExtension;
import io.vertx.junit5.VertxTestContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * TROUPE_AUTH=jwt with both an HS256 secret and an RS256 public key (read from a file). Tokens are
 * signed in the test with the JDK; every way a token can be wrong gets 401, a token without the
 * scope 403, and the subject reaches the access log while no token reaches any log.
 */
@ExtendWith(VertxExtension.class)
@DisplayName("JWT authentication")
class JwtAuthTest {
  private static final String ISSUER = "https://idp.troupe.test";
  private static final String AUDIENCE = "troupe-api";
  private static final String SECRET = "hs256-test-secret-of-at-least-32-bytes!";
  private static final int LEEWAY = 10;
  private static final KeyPair RSA = Jwts.rsaKeyPair();
  private static final KeyPair OTHER_RSA = Jwts.rsaKeyPair();
  private static final Path PUBLIC_KEY_FILE = writePem(Jwts.pem(RSA.getPublic()));
  private static final ListAppender<ILoggingEvent> LOGS = captureLogs();

  @RegisterExtension
  static final TroupeClusterExtension TROUPE =
      new TroupeClusterExtension(
          TroupeCluster.builder()
              .node("db", "cache", "request", "gateway", "chat")
              .setting("TROUPE_AUTH", "jwt")
              .setting("TROUPE_JWT_SECRET", SECRET)
              .setting("TROUPE_JWT_PUBLIC_KEY_FILE", PUBLIC_KEY_FILE.toString())
              .setting("TROUPE_JWT_ISSUER", ISSUER)
              .setting("TROUPE_JWT_AUDIENCE", "other-api," + AUDIENCE)
              .setting("TROUPE_JWT_LEEWAY_SECONDS", Integer.toString(LEEWAY)));

  private static final List<String> TOKENS = new ArrayList<>();

  @AfterAll
  static void cleanUp() throws IOException {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    root.detachAppender(LOGS);
    ((Logger) LoggerFactory.getLogger("troupe.access")).setLevel(null);
    ((Logger) LoggerFactory.getLogger("dev.troupe.gateway.BearerTokens")).setLevel(null);
    Files.deleteIfExists(PUBLIC_KEY_FILE);
  }

  private static JsonObject claims(String subject, String scope) {
    long now = System.currentTimeMillis() / 1000;
    return new JsonObject()
        .put("iss", ISSUER)
        .put("aud", AUDIENCE)
        .put("sub", subject)
        .put("iat", now)
        .put("exp", now + 300)
        .put("scope", scope);
  }

  private static String bearer(String token) {
    synchronized (TOKENS) {
      TOKENS.add(token);
    }
    return "Bearer " + token;
  }

  @Test
  @DisplayName(
      "HS256 and RS256 tokens with the right scope read and write; scp and scopes arrays count too")
  void rightScopes(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    String uri = "/api/v1/docs/jwt/right";
    Checkpoint hsWrite = ctx.checkpoint();
    Checkpoint hsRead = ctx.checkpoint();
    Checkpoint rsRead = ctx.checkpoint();
    Checkpoint rsWrite = ctx.checkpoint();
    String hsWriter = Jwts.hs256(SECRET, claims("alice", "docs:read docs:write"));
    String hsReader = Jwts.hs256(SECRET, claims("bob", "docs:read"));
    String rsReader =
        Jwts.rs256(
            RSA.getPrivate(), claims("carol", null).put("scp", new JsonArray().add("docs:read")));
    String rsWriter =
        Jwts.rs256(
            RSA.getPrivate(),
            claims("dave", null)
                .put("aud", new JsonArray().add("someone-else").add(AUDIENCE))
                .put("scopes", new JsonArray().add("docs:write")));
    http.putJson(uri, "{\"v\":1}", "Authorization", bearer(hsWriter))
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(201));
              hsWrite.flag();
              return http.get(uri, "Authorization", bearer(hsReader));
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200));
              hsRead.flag();
              return http.get(uri, "Authorization", bearer(rsReader));
            })
        .compose(
            r -> {
              ctx.verify(() -> assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200));
              rsRead.flag();
              return http.putJson(uri, "{\"v\":2}", "Authorization", bearer(rsWriter));
            })
        .onComplete(
            ctx.succeeding(
                r ->
                    ctx.verify(
                        () -> {
                          assertThat(r.statusCode()).as(r.bodyAsString()).isEqualTo(200);
                          rsWrite.flag();
                        })));
  }

  @Test
  @DisplayName(
      "no token is 401 with a bare Bearer challenge; every bad token is 401 with error=\"invalid_token\"")
  void badTokens(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    String uri = "/api/v1/docs/jwt/bad";
    long now = System.currentTimeMillis() / 1000;
    JsonObject good = claims("mallory", "docs:read docs:write");

    List<Case> cases = new ArrayList<>();
    cases.add(
        new Case(
            () -> http.get(uri),
            r -> {
              assertProblem(r, 401);
              assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"troupe\"");
            }));
    cases.add(
        new Case(
            () -> http.get(uri, "Authorization", "Basic bWFsbG9yeTpwdw=="),
            r -> {
              assertProblem(r, 401);
              assertThat(r.getHeader("WWW-Authenticate")).isEqualTo("Bearer realm=\"troupe\"");
            }));
    List<String> invalid =
        List.of(
            Jwts.hs256(SECRET, good.copy().put("iss", "https://evil.test")),
            Jwts.hs256(SECRET, good.copy().put("aud", "other-service")),
            Jwts.hs256(SECRET, withoutClaim(good, "aud")),
            Jwts.hs256(SECRET, good.copy().put("exp", now - 3600)),
            Jwts.hs256(SECRET, good.copy().put("exp", now - LEEWAY - 60)),
            Jwts.hs256(SECRET, good.copy().put("nbf", now + 3600)),
            Jwts.hs256(SECRET, withoutClaim(good, "exp")),
            Jwts.hs256(SECRET, withoutClaim(good, "sub")),
            Jwts.hs256("a-different-secret-that-is-also-32-bytes-long", good),
            Jwts.rs256(OTHER_RSA.getPrivate(), good),
            Jwts.unsigned(good),
            // Algorithm confusion: HS256 "signed" with the public key, which an attacker knows.
            Jwts.hmac("HS256", Jwts.pem(RSA.getPublic()).getBytes(StandardCharsets.US_ASCII), good),
            Jwts.hs256(SECRET, good).substring(0, 40),
            "not-a-jwt-at-all");
    for (String token : invalid) {
      cases.add(
          new Case(
              () -> http.putJson(uri, "{}", "Authorization", bearer(token)),
              r -> {
                assertProblem(r, 401);
                assertThat(r.getHeader("WWW-Authenticate"))
                    .isEqualTo("Bearer realm=\"troupe\", error=\"invalid_token\"");
              }));
    }
    run(ctx, cases);
  }

  @Test
  @DisplayName("an exp a few seconds past is still accepted within the leeway")
  void leeway(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    long now = System.currentTimeMillis() / 1000;
    String token = Jwts.hs256(SECRET, claims("erin", "docs:read").put("exp", now - LEEWAY / 2));
    run(
        ctx,
        List.of(
            new Case(
                () -> http.get("/api/v1/docs/jwt/never-written", "Authorization", bearer(token)),
                r -> assertProblem(r, 404))));
  }

  @Test
  @DisplayName(
      "a valid token without the scope is 403 problem+json with error=\"insufficient_scope\"")
  void missingScope(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    String uri = "/api/v1/docs/jwt/scoped";
    String reader = Jwts.rs256(RSA.getPrivate(), claims("frank", "docs:read"));
    String nothing = Jwts.hs256(SECRET, claims("grace", null));
    run(
        ctx,
        List.of(
            new Case(
                () -> http.putJson(uri, "{}", "Authorization", bearer(reader)),
                r -> {
                  assertProblem(r, 403);
                  assertThat(r.getHeader("WWW-Authenticate"))
                      .contains("error=\"insufficient_scope\"", "scope=\"docs:write\"");
                }),
            new Case(
                () -> http.delete(uri, "Authorization", bearer(reader)),
                r -> assertProblem(r, 403)),
            new Case(
                () -> http.get(uri, "Authorization", bearer(nothing)),
                r -> {
                  assertProblem(r, 403);
                  assertThat(r.getHeader("WWW-Authenticate")).contains("scope=\"docs:read\"");
                })));
  }

  @Test
  @DisplayName(
      "chat: a token acts only as its sub (403 on every entry as another user, the stream too); chat:admin acts for anyone; docs tokens not at all")
  void chatIdentity(Vertx vertx, VertxTestContext ctx) {
    new ChatIdentityScenario(vertx, TROUPE.cluster().httpPort(0))
        .run(
            ctx,
            "tokened",
            new ChatIdentityScenario.Credential(
                "Authorization", bearer(Jwts.hs256(SECRET, claims("alice", "chat:user"))), "alice"),
            "bob",
            new ChatIdentityScenario.Credential(
                "Authorization",
                bearer(Jwts.rs256(RSA.getPrivate(), claims("chat-ops", "docs:read chat:admin"))),
                "chat-ops"),
            new ChatIdentityScenario.Credential(
                "Authorization",
                bearer(Jwts.hs256(SECRET, claims("docs-only", "docs:read docs:write"))),
                "docs-only"));
  }

  @Test
  @DisplayName("the subject goes to the access log and no token goes to any log; health stays open")
  void logs(Vertx vertx, VertxTestContext ctx) {
    Http http = new Http(vertx, TROUPE.cluster().httpPort(0));
    Checkpoint logged = ctx.checkpoint();
    String token = Jwts.hs256(SECRET, claims("heidi-logged", "docs:read"));
    String bad =
        Jwts.hs256("a-different-secret-that-is-also-32-bytes-long", claims("ivan", "docs:read"));
    http.get("/api/v1/docs/jwt/logged", "Authorization", bearer(token))
        .compose(r -> http.get("/api/v1/docs/jwt/logged", "Authorization", bearer(bad)))
        // The access line of a request is written as its response ends; this one ends after those.
        .compose(r -> http.get("/health/live"))
        .compose(
            live -> {
              ctx.verify(() -> assertThat(live.statusCode()).isEqualTo(200));
              return http.get("/health/ready");
            })
        .compose(
            ready -> {
              ctx.verify(() -> assertThat(ready.statusCode()).isEqualTo(200));
              // The gateway writes access lines in batches, within TROUPE_ACCESS_LOG_FLUSH_MS.
              return logged(vertx, l -> l.contains("\"subject\":\"heidi-logged\""));
            })
        .onComplete(
            ctx.succeeding(
                lines ->
                    ctx.verify(
                        () -> {
                          List<String> tokens;
                          synchronized (TOKENS) {
                            tokens = List.copyOf(TOKENS);
                          }
                          for (String t : tokens) {
                            String signature =
                                t.contains(".") ? t.substring(t.lastIndexOf('.') + 1) : t;
                            assertThat(lines)
                                .noneMatch(
                                    l ->
                                        l.contains(t)
                                            || (signature.length() > 8 && l.contains(signature)));
                          }
                          logged.flag();
                        })));
  }

  /** One request and what its answer must be. */
  private record Case(
      Supplier<Future<HttpResponse<Buffer>>> request, Consumer<HttpResponse<Buffer>> check) {}

  /**
   * Sends every case at once, each with its own checkpoint, all created before the first answer.
   */
  private static void run(VertxTestContext ctx, List<Case> cases) {
    List<Checkpoint> checkpoints = new ArrayList<>();
    cases.forEach(c -> checkpoints.add(ctx.checkpoint()));
    for (int i = 0; i < cases.size(); i++) {
      Case c = cases.get(i);
      Checkpoint checkpoint = checkpoints.get(i);
      c.request()
          .get()
          .onComplete(
              ctx.succeeding(
                  r ->
                      ctx.verify(
                          () -> {
                            c.check().accept(r);
                            checkpoint.flag();
                          })));
    }
  }

  private static JsonObject withoutClaim(JsonObject claims, String name) {
    JsonObject copy = claims.copy();
    copy.remove(name);
    return copy;
  }

  private static Path writePem(String pem) {
    try {
      Path file = Files.createTempFile("troupe-jwt", ".pem");
      Files.writeString(file, pem, StandardCharsets.US_ASCII);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Everything logged so far, once a line {@code wanted} accepts is among it (within 10 s). */
  private static Future<List<String>> logged(Vertx vertx, Predicate<String> wanted) {
    Promise<List<String>> found = Promise.promise();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // Not an initial delay of 0: Vert.x 5.0.7 can run the first tick before the timer is set up,
    // and cancelling it there throws.
    vertx.setPeriodic(
        20,
        20,
        timer -> {
          List<String> lines;
          synchronized (LOGS) {
            lines = LOGS.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
          }
          if (lines.stream().anyMatch(wanted)) {
            vertx.cancelTimer(timer);
            found.tryComplete(lines);
          } else if (System.nanoTime() > deadline) {
            vertx.cancelTimer(timer);
            found.tryFail("no log line as wanted within 10 s; lines: " + lines);
          }
        });
    return found.future();
  }

  /**
   * Everything logged while this class runs, with the access log and the token check at their most
   * verbose.
   */
  private static ListAppender<ILoggingEvent> captureLogs() {
    ListAppender<ILoggingEvent> appender = new ListAppender<>();
    appender.start();
    ((Logger) LoggerFactory.getLogger("troupe.access")).setLevel(Level.INFO);
    ((Logger) LoggerFactory.getLogger("dev.troupe.gateway.BearerTokens")).setLevel(Level.DEBUG);
    ((Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).addAppender(appender);
    return appender;
  }
}
