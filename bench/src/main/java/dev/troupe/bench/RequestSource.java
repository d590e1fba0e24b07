package dev.troupe.bench;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Produces the requests of one scenario for one event loop. Not thread-safe; the id pool is shared.
 */
final class RequestSource {
  /** One request to send. {@code body} is null for GET. */
  record Req(HttpMethod method, String uri, Buffer body) {}

  /** A document body of ~100 bytes; every PUT sends the same one. */
  static final Buffer PUT_BODY =
      Buffer.buffer(
          "{\"title\":\"Troupe benchmark document\",\"year\":2025,\"tags\":[\"bench\",\"load\"],\"text\":\"lorem ipsum dolor sit\"}"
              .getBytes(StandardCharsets.UTF_8));

  private final Scenario scenario;
  private final LoadOptions options;
  private final UniqueIds ids;
  private final String[] keyUris;
  private final String listUri;
  private final String mgetUri;
  private final SplittableRandom random;
  private final ZipfKeys zipf;
  private final String[] chatUris;
  private final Buffer[] postBodies;
  private final ZipfKeys roomZipf;

  RequestSource(LoadOptions options, UniqueIds ids, long seed) {
    this.scenario = options.scenario();
    this.options = options;
    this.ids = ids;
    this.random = new SplittableRandom(seed);
    this.keyUris = new String[scenario.needsKeys() ? options.keys() : 0];
    for (int i = 0; i < keyUris.length; i++) {
      keyUris[i] = options.docPath(LoadOptions.keyId(i));
    }
    this.listUri = options.docsPath() + "?limit=50";
    this.mgetUri = options.docsPath() + "/_mget";
    this.zipf =
        scenario == Scenario.MIXED
            ? new ZipfKeys(options.keys(), options.zipfExponent(), seed)
            : null;
    this.chatUris = new String[scenario.isChat() ? options.rooms() : 0];
    for (int i = 0; i < chatUris.length; i++) {
      chatUris[i] =
          scenario == Scenario.CHAT_HISTORY
              ? historyUri(options, i)
              : options.roomPath(i) + "/messages";
    }
    this.postBodies = new Buffer[scenario == Scenario.CHAT_POST ? options.members() : 0];
    for (int j = 0; j < postBodies.length; j++) {
      postBodies[j] = postBody(LoadOptions.member(j), "bench message");
    }
    this.roomZipf =
        scenario.isChat() && options.roomZipf()
            ? new ZipfKeys(options.rooms(), options.zipfExponent(), seed)
            : null;
  }

  /**
   * The read of room {@code i}'s preloaded messages by its first member: all of them sit in the
   * room's memory.
   */
  static String historyUri(LoadOptions o, int i) {
    return o.roomPath(i)
        + "/messages?user="
        + LoadOptions.member(0)
        + "&after=0&limit="
        + o.history();
  }

  static Buffer postBody(String from, String text) {
    return Buffer.buffer(new JsonObject().put("from", from).put("text", text).encode());
  }

  /**
   * What a chat scenario needs before the clock starts, in phases run one after another: every
   * member joins every room, then (chat-history) each room gets its {@code --history} messages.
   * Empty for the other scenarios.
   */
  static List<List<Req>> chatPreload(LoadOptions o) {
    if (!o.scenario().isChat()) {
      return List.of();
    }
    List<Req> joins = new ArrayList<>();
    List<Req> posts = new ArrayList<>();
    for (int i = 0; i < o.rooms(); i++) {
      for (int j = 0; j < o.members(); j++) {
        joins.add(
            new Req(HttpMethod.PUT, o.roomPath(i) + "/members/" + LoadOptions.member(j), null));
      }
      if (o.scenario() == Scenario.CHAT_HISTORY) {
        for (int m = 0; m < o.history(); m++) {
          posts.add(
              new Req(
                  HttpMethod.POST,
                  o.roomPath(i) + "/messages",
                  postBody(LoadOptions.member(m % o.members()), "history message " + m)));
        }
      }
    }
    return posts.isEmpty() ? List.of(joins) : List.of(joins, posts);
  }

  /** The next request, or null when the scenario's ids are all used. */
  Req next() {
    return switch (scenario) {
      case HIT -> get(keyUris[random.nextInt(keyUris.length)]);
      case PUT_REPLACE -> put(keyUris[random.nextInt(keyUris.length)]);
      case MIXED -> {
        String uri = keyUris[zipf.next()];
        yield random.nextInt(100) < options.putPercent() ? put(uri) : get(uri);
      }
      case LIST -> get(listUri);
      case MGET -> mget();
      case CHAT_HISTORY -> get(chatUris[room()]);
      case CHAT_POST ->
          new Req(HttpMethod.POST, chatUris[room()], postBodies[random.nextInt(postBodies.length)]);
      case MISS, MISS_RANGE, MISS_404 -> {
        String id = ids.next();
        yield id == null ? null : get(options.docPath(id));
      }
      case PUT_NEW -> {
        String id = ids.next();
        yield id == null ? null : put(options.docPath(id));
      }
    };
  }

  private int room() {
    return roomZipf != null ? roomZipf.next() : random.nextInt(chatUris.length);
  }

  /** {"ids":[...]} of {@code batch} distinct ids drawn from the fixed keys. */
  private Req mget() {
    int count = Math.min(options.batch(), options.keys());
    Set<Integer> chosen = new LinkedHashSet<>();
    while (chosen.size() < count) {
      chosen.add(random.nextInt(options.keys()));
    }
    StringBuilder body = new StringBuilder(count * 8 + 10).append("{\"ids\":[");
    String sep = "";
    for (int i : chosen) {
      body.append(sep).append('"').append(LoadOptions.keyId(i)).append('"');
      sep = ",";
    }
    return new Req(HttpMethod.POST, mgetUri, Buffer.buffer(body.append("]}").toString()));
  }

  private static Req get(String uri) {
    return new Req(HttpMethod.GET, uri, null);
  }

  private static Req put(String uri) {
    return new Req(HttpMethod.PUT, uri, PUT_BODY);
  }

  /** The shared unique-id pool of a run: what miss, miss-range, miss-404 and put-new draw from. */
  static UniqueIds idsFor(LoadOptions o) {
    return switch (o.scenario()) {
      case MISS -> new UniqueIds("m" + o.runId() + "-", 0, o.preload());
      case MISS_RANGE -> new UniqueIds(o.idPrefix(), o.idStart(), o.idCount());
      case MISS_404 -> UniqueIds.unbounded("a" + o.runId() + "-");
      case PUT_NEW -> UniqueIds.unbounded("n" + o.runId() + "-");
      default -> new UniqueIds("", 0, 0);
    };
  }
}
