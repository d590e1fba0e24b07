package dev.troupe.bench;

import static dev.troupe.bench.Format.ms;
import static dev.troupe.bench.Format.thousands;
import static dev.troupe.bench.Format.times;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The notes under the report's table: what a row measured in its own units (documents/s of an
 * {@code _mget}, actor messages, deliveries, an import job), how it relates to another row of the
 * same label, and what went wrong in it (ids run out, hits in a miss scenario, load shed, late
 * sends).
 */
final class Notes {
  private Notes() {}

  static List<String> of(List<Baselines.Row> rows) {
    List<String> notes = new ArrayList<>();
    for (Baselines.Row row : rows) {
      LoadResult r = row.result();
      String who = r.scenario() + " / " + r.label() + " / " + Format.mode(r);
      if (r.idsExhausted()) {
        notes.add(
            who
                + ": ran out of unique ids; the window was cut short at "
                + r.durationSec()
                + " s.");
      }
      long hits = r.cache().getOrDefault("HIT", 0L);
      if (r.scenario().startsWith("miss") && hits > 0) {
        notes.add(
            who
                + ": "
                + hits
                + " of "
                + (hits + r.cache().getOrDefault("MISS", 0L))
                + " reads answered from the cache (X-Cache: HIT) in a miss scenario.");
      }
      if (r.scenario().equals("miss")) {
        rows.stream()
            .map(Baselines.Row::result)
            .filter(
                h ->
                    h.scenario().equals("hit")
                        && h.label().equals(r.label())
                        && h.mode().equals(r.mode()))
            .findFirst()
            .ifPresent(
                h ->
                    notes.add(
                        String.format(
                            Locale.ROOT,
                            "%s: cache-hit GET (%s/s) is %s an uncached GET (%s/s) on %s.",
                            who,
                            thousands(h.throughput()),
                            times(r.throughput() > 0 ? h.throughput() / r.throughput() : null),
                            thousands(r.throughput()),
                            r.label())));
      }
      if (r.scenario().startsWith("mget-") && !r.scenario().equals(MgetVersusGets.SCENARIO)) {
        int batch = Integer.parseInt(r.scenario().substring("mget-".length()));
        rows.stream()
            .map(Baselines.Row::result)
            .filter(
                h ->
                    h.scenario().equals("hit")
                        && h.label().equals(r.label())
                        && h.mode().equals(r.mode()))
            .findFirst()
            .ifPresent(
                h ->
                    notes.add(
                        String.format(
                            Locale.ROOT,
                            "%s: %s documents/s (%d per request), %s the documents/s of single cache-hit GETs (%s/s) on %s.",
                            who,
                            thousands(r.throughput() * batch),
                            batch,
                            times(
                                h.throughput() > 0
                                    ? r.throughput() * batch / h.throughput()
                                    : null),
                            thousands(h.throughput()),
                            h.label())));
      }
      if (r.scenario().equals(MgetVersusGets.SCENARIO) && r.params() != null) {
        notes.add(mgetVersusGets(who, r.params()));
      }
      if (r.scenario().equals("import")) {
        notes.add(
            String.format(
                Locale.ROOT,
                "%s: %s documents/s imported (%d documents in one background job, "
                    + "%s s from the first byte of the upload to the job's success).",
                who,
                thousands(r.throughput()),
                r.ok(),
                r.durationSec()));
      }
      if (r.scenario().startsWith("chat-") && r.params() != null) {
        notes.add(chat(who, r, r.params()));
      }
      if (r.shed() > 0) {
        notes.add(shed(who, r));
      }
      if (r.serviceTimeMs() != null && r.lateSends() > 0) {
        notes.add(
            String.format(
                Locale.ROOT,
                "%s: %d requests left more than 1 ms after their intended start (server or connections saturated); "
                    + "their wait is in the latency. Service-time p99 %s ms.",
                who,
                r.lateSends(),
                ms(r.serviceTimeMs().p99())));
      }
    }
    return notes;
  }

  /**
   * A run in which the server shed load: how much it shed, whether each 503 said when to come back,
   * and what the requests it admitted waited (the overall percentiles mix in the fast refusals).
   */
  static String shed(String who, LoadResult r) {
    long answers = r.statusCounts().values().stream().mapToLong(Long::longValue).sum();
    Latency a = r.admittedMs();
    return String.format(
        Locale.ROOT,
        "%s: %s of %s answers were 503 (%s shed, %s without Retry-After)%s; %s.",
        who,
        thousands(r.shed()),
        thousands(answers),
        Format.percent(answers > 0 ? (double) r.shed() / answers : 0),
        thousands(r.noRetryAfter()),
        r.otherServerErrors() > 0 ? ", " + thousands(r.otherServerErrors()) + " other 5xx" : "",
        a == null
            ? "admitted requests' latency not recorded"
            : "admitted requests (not 503): p50 "
                + ms(a.p50())
                + ", p99 "
                + ms(a.p99())
                + ", p99.9 "
                + ms(a.p999())
                + ", max "
                + ms(a.max())
                + " ms");
  }

  /**
   * One caller reading the same cached documents three ways: the medians, and how many times the
   * _mget's.
   */
  static String mgetVersusGets(String who, JsonObject p) {
    Latency mget = Latency.fromJson(p.getJsonObject("mgetMs"));
    Latency sequential = Latency.fromJson(p.getJsonObject("sequentialMs"));
    Latency concurrent = Latency.fromJson(p.getJsonObject("concurrentMs"));
    return String.format(
        Locale.ROOT,
        "%s: one caller reading %s cached documents (median of %s rounds): one _mget "
            + "%s ms (p99 %s); %s GETs one after another %s ms, %s× the _mget; %s GETs at once over %s connections "
            + "%s ms, %s× the _mget.",
        who,
        p.getValue("ids"),
        p.getValue("rounds"),
        ms(mget.p50()),
        ms(mget.p99()),
        p.getValue("ids"),
        ms(sequential.p50()),
        Format.compact(p.getDouble("sequentialOverMget", 0.0)),
        p.getValue("ids"),
        p.getValue("connections", "the pool's"),
        ms(concurrent.p50()),
        Format.compact(p.getDouble("concurrentOverMget", 0.0)));
  }

  /**
   * What a chat row measured, in the units it is about: actor messages, or deliveries and their
   * losses.
   */
  static String chat(String who, LoadResult r, JsonObject p) {
    Latency l = r.latencyMs();
    if (r.scenario().equals(ChatDeliveryRun.SCENARIO)) {
      Latency post = Latency.fromJson(p.getJsonObject("postLatencyMs"));
      return String.format(
          Locale.ROOT,
          "%s: %s deliveries/s to %s WebSocket streams (%s rooms of %s members, over %s "
              + "gateway(s)) at %s posts/s; from a post's send to its frame: p50 %s, p90 %s, p99 %s, p99.9 %s, max %s ms "
              + "(post answered: p99 %s ms). Exactly once: %s of %s deliveries, %s lost, %s duplicated%s.",
          who,
          thousands(r.throughput()),
          p.getValue("users"),
          p.getValue("rooms"),
          p.getValue("members"),
          p.getValue("gateways"),
          Format.compact(p.getDouble("postsPerSec", 0.0)),
          ms(l.p50()),
          ms(l.p90()),
          ms(l.p99()),
          ms(l.p999()),
          ms(l.max()),
          ms(post.p99()),
          thousands((double) r.ok()),
          thousands((double) r.requests()),
          thousands(p.getLong("lost", 0L)),
          thousands(p.getLong("duplicated", 0L)),
          p.getLong("posts", 0L) > p.getLong("postsOk", 0L)
              ? ", "
                  + (p.getLong("posts") - p.getLong("postsOk"))
                  + " of "
                  + p.getLong("posts")
                  + " posts failed"
              : "");
    }
    String what =
        r.scenario().equals("chat-history")
            ? "a read of its last "
                + p.getValue("history")
                + " messages, answered from the room's memory"
            : "a post: the room stores a document, then publishes to "
                + p.getValue("members")
                + " members";
    return String.format(
        Locale.ROOT,
        "%s: %s actor messages/s (one per request, to one of %s room actors drawn %s; "
            + "each %s), p50 %s, p99 %s, p99.9 %s ms.",
        who,
        thousands(r.throughput()),
        p.getValue("rooms"),
        p.getValue("roomDist"),
        what,
        ms(l.p50()),
        ms(l.p99()),
        ms(l.p999()));
  }
}
