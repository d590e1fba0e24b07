package dev.troupe.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Everything one {@code load} run needs, parsed and checked before any connection is opened.
 *
 * @param host target host, from {@code --url}
 * @param port target port, from {@code --url}
 * @param basePath path prefix before {@code /api/v1/docs} (usually empty)
 * @param scenario what to ask for
 * @param open open-loop at {@code rate} when true, closed-loop when false
 * @param connections HTTP/1.1 keep-alive connections (closed: one request in flight on each)
 * @param rate requests per second of the open-loop schedule (0 when closed)
 * @param durationNanos the measured window
 * @param warmupNanos the window before it, whose results are discarded
 * @param collection the collection every request uses
 * @param keys how many fixed ids (k-0 ..) hit, put-replace, mixed and list use
 * @param preload how many unique docs the miss scenario writes, then reads once each
 * @param settleNanos pause between the preload and the start (lets a short cache TTL expire)
 * @param idPrefix miss-range: ids are idPrefix + i
 * @param idStart miss-range: the first i
 * @param idCount miss-range: how many ids exist (Long.MAX_VALUE: unbounded)
 * @param putPercent mixed: share of PUTs
 * @param zipfExponent mixed: skew of the key distribution
 * @param eventLoops event loops of the generator's own Vert.x (1 or 2 is plenty)
 * @param timeoutMs per-request deadline (connect, queue for a connection, idle)
 * @param label names the system under test in the results; baselines use {@code bare} and {@code
 *     one-hop}
 * @param runId makes the unique ids of this run differ from every other run's
 * @param out where the JSON result goes (null: nowhere)
 * @param seed seeds the random key choices
 * @param batch mget: ids per {@code _mget} request, drawn from the {@code keys} ids
 * @param rooms chat scenarios: how many rooms (actors) the requests are spread over
 * @param members chat scenarios: members per room, joined before the clock starts
 * @param history chat scenarios: messages posted to each room before the clock starts; chat-history
 *     reads them all, at most {@value #MAX_HISTORY} so that the room answers from its memory
 * @param roomZipf chat scenarios: rooms drawn from Zipf({@code rooms}, {@code zipfExponent})
 *     instead of uniformly
 */
record LoadOptions(
    String host,
    int port,
    String basePath,
    Scenario scenario,
    boolean open,
    int connections,
    double rate,
    long durationNanos,
    long warmupNanos,
    String collection,
    int keys,
    long preload,
    long settleNanos,
    String idPrefix,
    long idStart,
    long idCount,
    int putPercent,
    double zipfExponent,
    int eventLoops,
    long timeoutMs,
    String label,
    String runId,
    Path out,
    long seed,
    int batch,
    int rooms,
    int members,
    int history,
    boolean roomZipf) {

  /**
   * The recent messages a room keeps in memory (chat's {@code RoomState.RECENT}); older ones are
   * read from the database.
   */
  static final int MAX_HISTORY = 100;

  /**
   * The mixed scenario's share of PUTs unless told otherwise: 90/10, reads dominating, as most APIs
   * see.
   */
  static final int DEFAULT_PUT_PERCENT = 10;

  static final String USAGE =
      """
      load --url http://127.0.0.1:PORT --scenario NAME
           [--mode closed --connections 32 | --mode open --rate 5000 [--connections 256]]
           [--duration 20s] [--warmup 5s] [--collection bench] [--keys 100] [--preload N] [--settle 0s]
           [--id-prefix P --id-start 0 --id-count N] [--put-percent 10] [--zipf-exponent 0.99]
           [--event-loops 1] [--timeout 10s] [--label TEXT] [--run-id TEXT] [--seed 42] [--out result.json]
           [--batch 100] [--rooms 100 --members 2 --history 10 --room-dist uniform|zipf]""";

  static LoadOptions from(Args args) {
    URI url = URI.create(args.required("url"));
    if (!"http".equals(url.getScheme()) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "--url must look like http://127.0.0.1:8080, got '" + url + "'");
    }
    int port = url.getPort() > 0 ? url.getPort() : 80;
    String basePath = url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "");
    Scenario scenario = Scenario.parse(args.required("scenario"));
    String mode = args.string("mode", "closed").toLowerCase(Locale.ROOT);
    boolean open =
        switch (mode) {
          case "open" -> true;
          case "closed" -> false;
          default ->
              throw new IllegalArgumentException(
                  "--mode must be open or closed, got '" + mode + "'");
        };
    double rate = 0;
    if (open) {
      rate = args.decimal("rate", Double.NaN, 0, 10_000_000);
      if (Double.isNaN(rate)) {
        throw new IllegalArgumentException("--mode open needs --rate (requests per second)");
      }
    } else if (args.has("rate")) {
      throw new IllegalArgumentException("--rate belongs to --mode open");
    }
    int connections = args.integer("connections", open ? 256 : 32, 1, 10_000);
    long duration = args.durationNanos("duration", "20s");
    if (duration <= 0) {
      throw new IllegalArgumentException("--duration must be positive");
    }
    long warmup = args.durationNanos("warmup", "5s");
    String collection = args.string("collection", "bench");
    int keys = args.integer("keys", 100, 1, 10_000_000);
    long preload = args.longValue("preload", 0, 0, 100_000_000);
    if (scenario == Scenario.MISS && preload == 0) {
      throw new IllegalArgumentException(
          "--scenario miss needs --preload N (docs written first, then read once each)");
    }
    if (scenario != Scenario.MISS && preload != 0) {
      throw new IllegalArgumentException("--preload belongs to --scenario miss");
    }
    long settle = args.durationNanos("settle", "0s");
    String idPrefix = args.string("id-prefix", "d-");
    long idStart = args.longValue("id-start", 0, 0, Long.MAX_VALUE / 2);
    long idCount = args.longValue("id-count", Long.MAX_VALUE, 1, Long.MAX_VALUE);
    int putPercent = args.integer("put-percent", DEFAULT_PUT_PERCENT, 0, 100);
    double zipf = args.decimal("zipf-exponent", 0.99, 0, 10);
    int eventLoops = args.integer("event-loops", 1, 1, 64);
    if (connections < eventLoops) {
      throw new IllegalArgumentException("--connections must be at least --event-loops");
    }
    long timeoutMs = args.durationNanos("timeout", "10s") / 1_000_000;
    if (timeoutMs <= 0) {
      throw new IllegalArgumentException("--timeout must be at least 1ms");
    }
    String label = args.string("label", "troupe");
    String runId = args.string("run-id", Long.toString(System.currentTimeMillis(), 36));
    if (!runId.matches("[A-Za-z0-9._~-]{1,40}")) {
      throw new IllegalArgumentException("--run-id must be 1 to 40 characters of [A-Za-z0-9._~-]");
    }
    String out = args.string("out", null);
    long seed = args.longValue("seed", 42, Long.MIN_VALUE, Long.MAX_VALUE);
    int batch = args.integer("batch", 100, 1, 1000);
    int rooms = args.integer("rooms", 100, 1, 1_000_000);
    int members = args.integer("members", 2, 1, 1000);
    int history =
        args.integer("history", 10, scenario == Scenario.CHAT_HISTORY ? 1 : 0, MAX_HISTORY);
    String roomDist = args.string("room-dist", "uniform").toLowerCase(Locale.ROOT);
    if (!roomDist.equals("uniform") && !roomDist.equals("zipf")) {
      throw new IllegalArgumentException(
          "--room-dist must be uniform or zipf, got '" + roomDist + "'");
    }
    return new LoadOptions(
        url.getHost(),
        port,
        basePath,
        scenario,
        open,
        connections,
        rate,
        duration,
        warmup,
        collection,
        keys,
        preload,
        settle,
        idPrefix,
        idStart,
        idCount,
        putPercent,
        zipf,
        eventLoops,
        timeoutMs,
        label,
        runId,
        out == null ? null : Path.of(out),
        seed,
        batch,
        rooms,
        members,
        history,
        roomDist.equals("zipf"));
  }

  String mode() {
    return open ? "open" : "closed";
  }

  String docsPath() {
    return basePath + "/api/v1/docs/" + collection;
  }

  String docPath(String id) {
    return docsPath() + "/" + id;
  }

  /**
   * Chat room {@code i} of this run: every run has rooms of its own, so their histories start
   * empty.
   */
  String room(int i) {
    return "r" + runId + "-" + i;
  }

  /** Member {@code j} of every room. */
  static String member(int j) {
    return "u-" + j;
  }

  String roomPath(int i) {
    return basePath + "/api/v1/chat/rooms/" + room(i);
  }

  /** The fixed id number {@code i} used by hit, put-replace, mixed and list. */
  static String keyId(int i) {
    return "k-" + i;
  }
}
