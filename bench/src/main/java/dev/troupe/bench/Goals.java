package dev.troupe.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.ToDoubleFunction;

/**
 * The performance goals of the issues, read from one run: each is a ratio between results of the
 * same run (never an absolute figure from another day), or a bound that holds on any machine. A
 * goal whose results the run did not measure (the quick mode skips most) says so instead of passing
 * or failing.
 */
final class Goals {
  /**
   * Troupe all in one JVM on H2, on PostgreSQL, and the six processes with chat (labels bench/run
   * gives).
   */
  static final String TROUPE_H2 = "troupe-h2";

  static final String TROUPE_PG = "troupe-pg";
  static final String TROUPE_6PROC = "troupe-6proc";

  /** How many times Spring's throughput the document API must reach. */
  static final double OVER_SPRING = 2.0;

  static final double CHAT_POSTS_PER_SEC = 3_000;
  static final double DELIVERY_P99_MS = 250;
  static final double DELIVERY_POSTS_PER_SEC = 100;
  static final long RSS_MIB = 512;

  /** The {@code meta.json} keys bench/run records each process's resident memory under. */
  static final String RSS_KEY = "RSS MiB after run: ";

  /**
   * The all-in-one node on H2 of an earlier build (bench/run {@code --baseline-ref REF}, or {@code
   * bench/run hit-ab}), measured in the same run as {@value #TROUPE_H2}; and the {@code meta.json}
   * key bench/run records that build's git ref under.
   */
  static final String BASELINE_H2 = "baseline-h2";

  static final String BASELINE_REF_KEY = "baseline ref";

  /**
   * Issue 18: how many times the earlier build's cache-hit GET throughput this build must reach.
   */
  static final double OVER_BASELINE_HIT = 1.3;

  /**
   * One goal: what it asks, what the run measured, and whether that meets it (null: not measured).
   */
  record Goal(String goal, String measured, Boolean met) {}

  private Goals() {}

  static List<Goal> evaluate(List<LoadResult> results, JsonObject meta) {
    List<Goal> goals = new ArrayList<>();
    for (String db : List.of("H2", "PostgreSQL")) {
      String troupe = db.equals("H2") ? TROUPE_H2 : TROUPE_PG;
      String spring = Baselines.springFor(troupe);
      goals.add(overSpring(results, "PUT of a new id", "put-new", troupe, spring, db, true));
      goals.add(
          overSpring(results, "PUT over an existing id", "put-replace", troupe, spring, db, true));
      goals.add(overSpring(results, "mixed 90/10 GET/PUT", "mixed", troupe, spring, db, false));
      goals.add(overSpring(results, "mixed 50/50 GET/PUT", "mixed-50", troupe, spring, db, false));
      goals.add(overSpring(results, "cache-hit GET", "hit", troupe, spring, db, false));
    }
    goals.add(chatPosts(results));
    goals.add(delivery(results));
    goals.add(rss(meta));
    goals.addAll(OverloadGoals.evaluate(results, meta));
    goals.add(hitOverBaseline(results, meta));
    return goals;
  }

  /**
   * Troupe's closed-loop throughput against Spring's on the same database, and p99 no higher where
   * asked.
   */
  static Goal overSpring(
      List<LoadResult> results,
      String what,
      String scenario,
      String troupe,
      String spring,
      String db,
      boolean p99NoHigher) {
    String goal =
        String.format(
            Locale.ROOT,
            "%s on %s \u2265 %s\u00d7 Spring%s",
            what,
            db,
            Format.compact(OVER_SPRING),
            p99NoHigher ? ", p99 no higher" : "");
    Optional<LoadResult> t = closed(results, troupe, scenario);
    Optional<LoadResult> s = closed(results, spring, scenario);
    if (t.isEmpty() || s.isEmpty()) {
      return new Goal(
          goal, "not measured (`" + scenario + "` of " + troupe + " and " + spring + ")", null);
    }
    LoadResult tr = t.get();
    LoadResult sr = s.get();
    Double ratio = Baselines.ratio(tr.throughput(), sr.throughput());
    String measured =
        String.format(
            Locale.ROOT,
            "%s %s vs %s %s req/s (%s); p99 %s vs %s ms%s",
            troupe,
            Format.thousands(tr.throughput()),
            spring,
            Format.thousands(sr.throughput()),
            Format.times(ratio),
            Format.ms(tr.latencyMs().p99()),
            Format.ms(sr.latencyMs().p99()),
            errors(tr, sr));
    boolean met =
        ratio != null
            && ratio >= OVER_SPRING
            && tr.errors() == 0
            && (!p99NoHigher || tr.latencyMs().p99() <= sr.latencyMs().p99());
    return new Goal(goal, measured, met);
  }

  static Goal chatPosts(List<LoadResult> results) {
    String goal =
        String.format(
            Locale.ROOT,
            "chat-post \u2265 %s posts/s all in one node",
            Format.thousands(CHAT_POSTS_PER_SEC));
    return closed(results, TROUPE_H2, "chat-post")
        .map(
            r ->
                new Goal(
                    goal,
                    String.format(
                        Locale.ROOT,
                        "%s %s posts/s, p99 %s ms%s",
                        TROUPE_H2,
                        Format.thousands(r.throughput()),
                        Format.ms(r.latencyMs().p99()),
                        errors(r)),
                    r.throughput() >= CHAT_POSTS_PER_SEC && r.errors() == 0))
        .orElseGet(() -> new Goal(goal, "not measured (`chat-post` of " + TROUPE_H2 + ")", null));
  }

  static Goal delivery(List<LoadResult> results) {
    String goal =
        String.format(
            Locale.ROOT,
            "chat delivery across six processes p99 < %s ms at %s posts/s",
            Format.compact(DELIVERY_P99_MS),
            Format.compact(DELIVERY_POSTS_PER_SEC));
    Optional<LoadResult> found =
        results.stream()
            .filter(
                r ->
                    r.label().equals(TROUPE_6PROC) && r.scenario().equals(ChatDeliveryRun.SCENARIO))
            .findFirst();
    if (found.isEmpty()) {
      return new Goal(goal, "not measured (`chat-delivery` of " + TROUPE_6PROC + ")", null);
    }
    LoadResult r = found.get();
    JsonObject p = r.params() == null ? new JsonObject() : r.params();
    double postsPerSec = p.getDouble("postsPerSec", r.rate());
    long lost = p.getLong("lost", 0L);
    long duplicated = p.getLong("duplicated", 0L);
    String measured =
        String.format(
            Locale.ROOT,
            "p99 %s ms (p50 %s) at %s posts/s; %s lost, %s duplicated",
            Format.ms(r.latencyMs().p99()),
            Format.ms(r.latencyMs().p50()),
            Format.compact(Math.round(postsPerSec * 10) / 10.0),
            lost,
            duplicated);
    // A run that posted well below the goal's rate proves nothing about it.
    boolean atRate = postsPerSec >= DELIVERY_POSTS_PER_SEC * 0.95;
    return new Goal(
        goal,
        measured,
        atRate && r.latencyMs().p99() < DELIVERY_P99_MS && lost == 0 && duplicated == 0);
  }

  /** Every process's resident set after its last measurement, from meta.json. */
  static Goal rss(JsonObject meta) {
    String goal =
        "every node < " + RSS_MIB + " MiB resident after the run, with the launcher's defaults";
    Map<String, Long> rss = new TreeMap<>();
    metaByPrefix(meta, RSS_KEY).forEach((name, v) -> parseLong(v).ifPresent(n -> rss.put(name, n)));
    rss.keySet().removeIf(Baselines::isBaseline);
    rss.keySet()
        .removeIf(
            name ->
                name.startsWith("bare")
                    || name.startsWith("one-hop")
                    || name.startsWith("spring")
                    // an earlier build, measured for comparison (bench/run --baseline-ref)
                    || name.startsWith(BASELINE_H2));
    if (rss.isEmpty()) {
      return new Goal(goal, "not measured (no `" + RSS_KEY + "` in meta.json)", null);
    }
    Map.Entry<String, Long> max =
        rss.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow();
    List<String> over =
        rss.entrySet().stream()
            .filter(e -> e.getValue() >= RSS_MIB)
            .map(e -> e.getKey() + " " + e.getValue())
            .toList();
    String measured =
        String.format(
            Locale.ROOT,
            "%d to %d MiB over %d Troupe processes (most: %s)%s",
            rss.values().stream().mapToLong(Long::longValue).min().orElse(0),
            max.getValue(),
            rss.size(),
            max.getKey(),
            over.isEmpty() ? "" : "; at or over: " + String.join(", ", over));
    return new Goal(goal, measured, over.isEmpty());
  }

  /**
   * Issue 18: cache-hit GET on the all-in-one node against the same scenario on the build before
   * the issue ({@value #BASELINE_H2}), both measured in the same run; this build without an error.
   * Where the run measured each several times (bench/run hit-ab's rounds, in alternating order),
   * the throughputs and p99s compared are the means of each label's runs.
   */
  static Goal hitOverBaseline(List<LoadResult> results, JsonObject meta) {
    Object ref = meta == null ? null : meta.getValue(BASELINE_REF_KEY);
    String goal =
        String.format(
            Locale.ROOT,
            "issue 18: cache-hit GET all in one node \u2265 %s\u00d7 the build before (`%s`%s)",
            Format.compact(OVER_BASELINE_HIT),
            BASELINE_H2,
            ref == null ? "" : ", " + ref);
    List<LoadResult> t = allClosed(results, TROUPE_H2, "hit");
    List<LoadResult> b = allClosed(results, BASELINE_H2, "hit");
    if (t.isEmpty() || b.isEmpty()) {
      return new Goal(
          goal,
          "not measured (`hit` of "
              + TROUPE_H2
              + " and "
              + BASELINE_H2
              + ": bench/run hit-ab, or --baseline-ref REF)",
          null);
    }
    double tThroughput = mean(t, LoadResult::throughput);
    double bThroughput = mean(b, LoadResult::throughput);
    Double ratio = Baselines.ratio(tThroughput, bThroughput);
    String runs =
        t.size() == 1 && b.size() == 1
            ? ""
            : String.format(
                Locale.ROOT,
                ", means of %d and %d runs (%s; %s)",
                t.size(),
                b.size(),
                each(t),
                each(b));
    String measured =
        String.format(
            Locale.ROOT,
            "%s %s vs %s %s req/s (%s)%s; p99 %s vs %s ms%s",
            TROUPE_H2,
            Format.thousands(tThroughput),
            BASELINE_H2,
            Format.thousands(bThroughput),
            Format.times(ratio),
            runs,
            Format.ms(mean(t, r -> r.latencyMs().p99())),
            Format.ms(mean(b, r -> r.latencyMs().p99())),
            errors(concat(t, b)));
    boolean clean = t.stream().allMatch(r -> r.errors() == 0);
    return new Goal(goal, measured, ratio != null && ratio >= OVER_BASELINE_HIT && clean);
  }

  private static List<LoadResult> allClosed(
      List<LoadResult> results, String label, String scenario) {
    return results.stream()
        .filter(
            r ->
                r.label().equals(label)
                    && r.scenario().equals(scenario)
                    && r.mode().equals("closed"))
        .toList();
  }

  private static double mean(List<LoadResult> runs, ToDoubleFunction<LoadResult> figure) {
    return runs.stream().mapToDouble(figure).average().orElse(0);
  }

  /** One label's runs: {@code troupe-h2 12,000, 14,000}. */
  private static String each(List<LoadResult> runs) {
    return runs.get(0).label()
        + " "
        + String.join(", ", runs.stream().map(r -> Format.thousands(r.throughput())).toList());
  }

  private static LoadResult[] concat(List<LoadResult> a, List<LoadResult> b) {
    List<LoadResult> all = new ArrayList<>(a);
    all.addAll(b);
    return all.toArray(LoadResult[]::new);
  }

  static String markdown(List<Goal> goals) {
    StringBuilder md = new StringBuilder("\n## Goals\n\n");
    md.append("Each goal set against what this run measured; ratios are within the run.\n\n");
    md.append("| goal | measured | met |\n|---|---|---|\n");
    for (Goal g : goals) {
      md.append("| ")
          .append(g.goal())
          .append(" | ")
          .append(g.measured())
          .append(" | ")
          .append(g.met() == null ? "\u2013" : g.met() ? "yes" : "**no**")
          .append(" |\n");
    }
    return md.toString();
  }

  private static Optional<LoadResult> closed(
      List<LoadResult> results, String label, String scenario) {
    return results.stream()
        .filter(
            r ->
                r.label().equals(label)
                    && r.scenario().equals(scenario)
                    && r.mode().equals("closed"))
        .findFirst();
  }

  private static String errors(LoadResult... results) {
    long errors = 0;
    for (LoadResult r : results) {
      errors += r.errors();
    }
    if (errors == 0) {
      return "";
    }
    StringBuilder s = new StringBuilder("; errors");
    for (LoadResult r : results) {
      s.append(' ').append(r.label()).append(' ').append(r.errors());
    }
    return s.toString();
  }

  /** The meta.json entries whose key starts with {@code prefix}, by the rest of the key. */
  static Map<String, String> metaByPrefix(JsonObject meta, String prefix) {
    Map<String, String> found = new TreeMap<>();
    if (meta != null) {
      meta.forEach(
          e -> {
            if (e.getKey().startsWith(prefix)) {
              found.put(e.getKey().substring(prefix.length()), String.valueOf(e.getValue()));
            }
          });
    }
    return found;
  }

  static Optional<Long> parseLong(String value) {
    try {
      return Optional.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      // a process that had gone before its figure was read: nothing to judge
      return Optional.empty();
    }
  }
}
