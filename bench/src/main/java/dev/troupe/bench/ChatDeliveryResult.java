package dev.troupe.bench;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/** What a {@code chat-delivery} run measured, in the form of a {@code load} result. */
final class ChatDeliveryResult {
  private ChatDeliveryResult() {}

  /**
   * The run's books as a load result: {@code throughput} the first deliveries of the window's
   * answered posts per second, {@code requests} the deliveries owed, losses and duplicates among
   * the errors, the rest in {@code params}.
   */
  static LoadResult of(
      ChatDeliveryOptions options,
      DeliveryLedger ledger,
      double windowSec,
      long joined,
      String startedAt,
      int closedEarly,
      long latePosts) {
    DeliveryLedger.Summary s = ledger.summary();
    Map<String, Long> errors = new TreeMap<>(s.postFailures());
    errors.putIfAbsent(Stats.IO, 0L);
    errors.put("lost", s.lost());
    errors.put("duplicated", s.duplicates());
    if (s.reordered() > 0) {
      errors.put("reordered", s.reordered());
    }
    if (s.unexpected() > 0) {
      errors.put("unexpected", s.unexpected());
    }
    if (closedEarly > 0) {
      errors.put("streams closed", (long) closedEarly);
    }
    int minMembers = ledger.members(options.rooms() - 1);
    int maxMembers = ledger.members(0);
    JsonObject params =
        new JsonObject()
            .put("users", options.users())
            .put("rooms", options.rooms())
            .put(
                "members",
                minMembers == maxMembers
                    ? Integer.toString(maxMembers)
                    : minMembers + "-" + maxMembers)
            .put("gateways", options.gateways().size())
            .put("posts", s.posts())
            .put("postsOk", s.postsOk())
            .put("expected", s.expected())
            .put("delivered", s.delivered())
            .put("lost", s.lost())
            .put("duplicated", s.duplicates())
            .put("reordered", s.reordered())
            .put("unexpected", s.unexpected())
            .put("streamsClosedEarly", closedEarly)
            .put("latePosts", latePosts)
            .put("postsPerSec", LoadResult.round(s.posts() / windowSec, 1))
            .put("postLatencyMs", Latency.ofMicros(s.postLatency()).toJson());
    String urls =
        String.join(
            ",", options.gateways().stream().map(ChatDeliveryOptions.Gateway::url).toList());
    return new LoadResult(
        options.label(),
        ChatDeliveryRun.SCENARIO,
        "open",
        urls,
        options.users(),
        options.rate(),
        options.eventLoops(),
        s.expected(),
        s.delivered(),
        LoadResult.round(windowSec, 3),
        options.warmupNanos() / 1e9,
        LoadResult.round(s.delivered() / windowSec, 1),
        errors,
        s.postStatuses(),
        new TreeMap<>(),
        Latency.ofMicros(s.latency()),
        null,
        null,
        0,
        0,
        false,
        joined,
        startedAt,
        LoadResult.encode(s.latency()),
        params);
  }
}
