package dev.troupe.bench;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code chat-delivery} run does (its command line), and the names it gives: the rooms and
 * users of the run, and the text of each post, from which a frame tells which post it delivers.
 */
record ChatDeliveryOptions(
    List<Gateway> gateways,
    int users,
    int rooms,
    double rate,
    long durationNanos,
    long warmupNanos,
    long drainNanos,
    int connections,
    int eventLoops,
    long timeoutMs,
    String label,
    String runId,
    Path out) {
  static final String USAGE =
      """
      chat-delivery --url http://127.0.0.1:PORT[,http://127.0.0.1:PORT2 ...]
                    [--users 200] [--rooms 4] [--rate 100] [--duration 20s] [--warmup 5s] [--drain 10s]
                    [--connections 8] [--event-loops 1] [--timeout 10s] [--label TEXT] [--run-id TEXT] [--out result.json]
        --users WebSocket streams (user i in room i mod --rooms, connected to gateway i mod the number of --url);
        --rate posts/s to the rooms in turn, each through the next gateway; every (post, member) timed from the
        post's send to its frame's arrival; RESULT throughput is deliveries/s, with lost and duplicated counts""";

  /** A gateway: where its HTTP client and the streams of its users connect. */
  record Gateway(String host, int port, String basePath) {
    String url() {
      return "http://" + host + ":" + port + basePath;
    }
  }

  static ChatDeliveryOptions from(Args args) {
    List<Gateway> gateways = new ArrayList<>();
    for (String u : args.required("url").split(",")) {
      URI url = URI.create(u.trim());
      if (!"http".equals(url.getScheme()) || url.getHost() == null) {
        throw new IllegalArgumentException(
            "--url must look like http://127.0.0.1:8080[,http://...], got '" + u + "'");
      }
      gateways.add(
          new Gateway(
              url.getHost(),
              url.getPort() > 0 ? url.getPort() : 80,
              url.getPath() == null ? "" : url.getPath().replaceAll("/+$", "")));
    }
    int users = args.integer("users", 200, 1, 100_000);
    int rooms = args.integer("rooms", 4, 1, 100_000);
    if (rooms > users) {
      throw new IllegalArgumentException(
          "--rooms must be at most --users (every room needs a member)");
    }
    double rate = args.decimal("rate", 100, 0, 100_000);
    long duration = args.durationNanos("duration", "20s");
    if (duration <= 0) {
      throw new IllegalArgumentException("--duration must be positive");
    }
    long warmup = args.durationNanos("warmup", "5s");
    long drain = args.durationNanos("drain", "10s");
    int connections = args.integer("connections", 8, 1, 10_000);
    int eventLoops = args.integer("event-loops", 1, 1, 64);
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
    return new ChatDeliveryOptions(
        List.copyOf(gateways),
        users,
        rooms,
        rate,
        duration,
        warmup,
        drain,
        connections,
        eventLoops,
        timeoutMs,
        label,
        runId,
        out == null ? null : Path.of(out));
  }

  String room(int r) {
    return "c" + runId + "-" + r;
  }

  static String user(int u) {
    return "u-" + u;
  }

  /**
   * The text of post {@code id}: names the run and the post, so a frame says which post it
   * delivers.
   */
  String text(long id) {
    return runId + ":" + id;
  }

  /** The post id in a frame's text, or -1 when the text is not one of this run's. */
  long postId(String text) {
    String prefix = runId + ":";
    if (text == null || !text.startsWith(prefix)) {
      return -1;
    }
    try {
      return Long.parseLong(text, prefix.length(), text.length(), 10);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
