package dev.troupe.bench;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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

  /**
   * The overload scenario's results (issue 17): the 90/10 mix in a closed loop at a normal and at a
   * very high connection count, all in one node, through the four processes' gateway, and on Spring
   * for comparison. Of each label's {@code mixed} results the one with the fewest connections is
   * the normal load, the one with the most the overload.
   */
  static final String TROUPE_H2_OVERLOAD = TROUPE_H2 + Report.OVERLOAD_SUFFIX;

  static final String TROUPE_4PROC_OVERLOAD = "troupe-4proc" + Report.OVERLOAD_SUFFIX;

  /** The connection counts bench/run's overload runs at (the goals' wording). */
  static final int OVERLOAD_NORMAL_CONNECTIONS = 64;

  static final int OVERLOAD_CONNECTIONS = 2_000;

  /** The share of the normal load's goodput the overload must keep. */
  static final double GOODPUT_KEPT = 0.8;

  static final double ADMITTED_P99_MS = 100;

  /**
   * The {@code meta.json} keys bench/run records the overload's figures under: resident memory of
   * each process right before and right after the overload run, and the readiness polls during it
   * ("N of M": N of the M polls of {@code GET /health/ready} were not answered 200), by base label.
   */
  static final String RSS_BEFORE_OVERLOAD_KEY = "RSS MiB before overload: ";

  static final String RSS_OVERLOAD_KEY = "RSS MiB after overload: ";
  static final String NOT_READY_KEY = "not-ready polls: ";

  private static final Pattern POLLS = Pattern.compile("\\s*(\\d+) of (\\d+).*");

  /** How many times Spring's throughput the document API must reach. */
  static final double OVER_SPRING = 2.0;

  static final double CHAT_POSTS_PER_SEC = 3_000;
  static final double DELIVERY_P99_MS = 250;
  static final double DELIVERY_POSTS_PER_SEC = 100;
  static final long RSS_MIB = 512;

  /** The {@code meta.json} keys bench/run records each process's resident memory under. */
  static final String RSS_KEY = "RSS MiB after run: ";

  /**
   * One goal: what it asks, what the run measured, and whether that meets it (null: not measured).
   */
  record Goal(String goal, String measured, Boolean met) {}

  private Goals() {}

  static List<Goal> evaluate(List<LoadResult> results, JsonObject meta) {
    List<Goal> goals = new ArrayList<>();
    for (String db : List.of("H2", "PostgreSQL")) {
      String troupe = db.equals("H2") ? TROUPE_H2 : TROUPE_PG;
      String spring = Report.springFor(troupe);
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
    goals.add(goodputKept(results, TROUPE_H2_OVERLOAD, "all in one node"));
    goals.add(goodputKept(results, TROUPE_4PROC_OVERLOAD, "four processes"));
    goals.add(admittedP99(results));
    goals.add(onlyShed(results));
    goals.add(readyThroughout(meta));
    goals.add(overloadRss(meta));
    return goals;
  }

  /** The normal-load run and the overload run of an overload label, if both were measured. */
  private static Optional<LoadResult[]> overloadPair(List<LoadResult> results, String label) {
    List<LoadResult> runs = overloadRuns(results, label);
    if (runs.size() < 2) {
      return Optional.empty();
    }
    return Optional.of(new LoadResult[] {runs.get(0), runs.get(runs.size() - 1)});
  }

  /** An overload label's closed-loop {@code mixed} runs, fewest connections first. */
  private static List<LoadResult> overloadRuns(List<LoadResult> results, String label) {
    return results.stream()
        .filter(
            r ->
                r.label().equals(label)
                    && r.scenario().equals("mixed")
                    && r.mode().equals("closed"))
        .sorted(Comparator.comparingInt(LoadResult::connections))
        .toList();
  }

  private static String goodputFigures(LoadResult normal, LoadResult high) {
    return String.format(
        Locale.ROOT,
        "%s %s req/s at \u00d7%d vs %s at \u00d7%d (%s)",
        normal.label(),
        Report.thousands(high.throughput()),
        high.connections(),
        Report.thousands(normal.throughput()),
        normal.connections(),
        Report.percent(normal.throughput() > 0 ? high.throughput() / normal.throughput() : 0));
  }

  /** What Spring measured beside a goal's figures, or nothing when it did not run the scenario. */
  private static String springBeside(
      List<LoadResult> results, Function<LoadResult[], String> figures) {
    return overloadPair(results, Report.SPRING_OVERLOAD)
        .map(p -> "; " + figures.apply(p))
        .orElse("");
  }

  /**
   * Goodput (successful answers per second) at the overload's connection count against the normal
   * load's: shedding must throw away the excess, not the work the server could do.
   */
  static Goal goodputKept(List<LoadResult> results, String label, String where) {
    String goal =
        String.format(
            Locale.ROOT,
            "overload: goodput at %s connections \u2265 %s of goodput at %d, %s",
            Report.thousands(OVERLOAD_CONNECTIONS),
            Report.percent(GOODPUT_KEPT),
            OVERLOAD_NORMAL_CONNECTIONS,
            where);
    Optional<LoadResult[]> pair = overloadPair(results, label);
    if (pair.isEmpty()) {
      return new Goal(
          goal, "not measured (`mixed` of " + label + " at two connection counts)", null);
    }
    LoadResult normal = pair.get()[0];
    LoadResult high = pair.get()[1];
    String measured =
        goodputFigures(normal, high) + springBeside(results, p -> goodputFigures(p[0], p[1]));
    return new Goal(
        goal,
        measured,
        normal.throughput() > 0 && high.throughput() >= GOODPUT_KEPT * normal.throughput());
  }

  private static String admittedFigures(LoadResult high) {
    Latency a = high.admittedMs();
    long answers = high.statusCounts().values().stream().mapToLong(Long::longValue).sum();
    return String.format(
        Locale.ROOT,
        "%s p99 %s ms admitted at \u00d7%d (all answers %s ms, %s shed)",
        high.label(),
        a == null ? "?" : Report.ms(a.p99()),
        high.connections(),
        Report.ms(high.latencyMs().p99()),
        Report.percent(answers > 0 ? (double) high.shed() / answers : 0));
  }

  /** The p99 of the requests the server admitted (not 503) under overload: short queues. */
  static Goal admittedP99(List<LoadResult> results) {
    String goal =
        String.format(
            Locale.ROOT,
            "overload: p99 of admitted requests at %s connections \u2264 %s ms, all in one node",
            Report.thousands(OVERLOAD_CONNECTIONS),
            Report.compact(ADMITTED_P99_MS));
    Optional<LoadResult[]> pair = overloadPair(results, TROUPE_H2_OVERLOAD);
    if (pair.isEmpty() || pair.get()[1].admittedMs() == null) {
      return new Goal(
          goal, "not measured (`mixed` of " + TROUPE_H2_OVERLOAD + " with admitted latency)", null);
    }
    LoadResult high = pair.get()[1];
    return new Goal(
        goal,
        admittedFigures(high) + springBeside(results, p -> admittedFigures(p[1])),
        high.ok() > 0 && high.admittedMs().p99() <= ADMITTED_P99_MS);
  }

  private static String shedFigures(List<LoadResult> runs) {
    long shed = runs.stream().mapToLong(LoadResult::shed).sum();
    long noRetryAfter = runs.stream().mapToLong(LoadResult::noRetryAfter).sum();
    long other = runs.stream().mapToLong(LoadResult::otherServerErrors).sum();
    long unanswered = runs.stream().mapToLong(LoadResult::unanswered).sum();
    return String.format(
        Locale.ROOT,
        "%s %s \u00d7 503 (%s without Retry-After), %s other 5xx, %s unanswered",
        runs.get(0).label(),
        Report.thousands(shed),
        Report.thousands(noRetryAfter),
        Report.thousands(other),
        Report.thousands(unanswered));
  }

  /**
   * Under overload (both runs, all in one node and four processes) the only 5xx is a 503 that says
   * when to come back, and every request gets an answer (no connection failure, no timeout).
   */
  static Goal onlyShed(List<LoadResult> results) {
    String goal =
        "overload: no 5xx but 503, each 503 with Retry-After, every request answered "
            + "(all in one node and four processes)";
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (String label : List.of(TROUPE_H2_OVERLOAD, TROUPE_4PROC_OVERLOAD)) {
      List<LoadResult> runs = overloadRuns(results, label);
      if (runs.isEmpty()) {
        continue;
      }
      figures.add(shedFigures(runs));
      met &=
          runs.stream()
              .allMatch(
                  r -> r.otherServerErrors() == 0 && r.noRetryAfter() == 0 && r.unanswered() == 0);
    }
    if (figures.isEmpty()) {
      return new Goal(
          goal,
          "not measured (`mixed` of " + TROUPE_H2_OVERLOAD + " or " + TROUPE_4PROC_OVERLOAD + ")",
          null);
    }
    List<LoadResult> spring = overloadRuns(results, Report.SPRING_OVERLOAD);
    if (!spring.isEmpty()) {
      figures.add(shedFigures(spring));
    }
    return new Goal(goal, String.join("; ", figures), met);
  }

  /**
   * Readiness during the overload run: bench/run polls {@code GET /health/ready} once a second and
   * records in meta.json how many polls were not answered 200 ("N of M").
   */
  static Goal readyThroughout(JsonObject meta) {
    String goal =
        "overload: ready throughout (`GET /health/ready` 200 at every poll, once a second, at "
            + Report.thousands(OVERLOAD_CONNECTIONS)
            + " connections)";
    Map<String, long[]> polls = new TreeMap<>();
    metaByPrefix(meta, NOT_READY_KEY)
        .forEach(
            (label, value) -> {
              Matcher m = POLLS.matcher(value);
              if (m.matches()) {
                polls.put(
                    label, new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
              }
            });
    Map<String, long[]> troupe = new TreeMap<>(polls);
    troupe.keySet().removeIf(label -> label.startsWith(Report.SPRING));
    if (troupe.isEmpty()) {
      return new Goal(goal, "not measured (no `" + NOT_READY_KEY + "` in meta.json)", null);
    }
    List<String> figures = new ArrayList<>();
    polls.forEach(
        (label, p) ->
            figures.add(
                String.format(Locale.ROOT, "%s %d of %d polls not ready", label, p[0], p[1])));
    boolean met = troupe.values().stream().allMatch(p -> p[0] == 0 && p[1] > 0);
    return new Goal(goal, String.join("; ", figures), met);
  }

  /** Every Troupe process's resident memory right after the overload run. */
  static Goal overloadRss(JsonObject meta) {
    String goal =
        "overload: every Troupe process < " + RSS_MIB + " MiB resident after the overload run";
    Map<String, Long> after = new TreeMap<>();
    metaByPrefix(meta, RSS_OVERLOAD_KEY)
        .forEach((name, v) -> parseLong(v).ifPresent(n -> after.put(name, n)));
    Map<String, String> before = metaByPrefix(meta, RSS_BEFORE_OVERLOAD_KEY);
    boolean troupe = after.keySet().stream().anyMatch(name -> !name.startsWith(Report.SPRING));
    if (!troupe) {
      return new Goal(goal, "not measured (no `" + RSS_OVERLOAD_KEY + "` in meta.json)", null);
    }
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      String from =
          before.containsKey(e.getKey()) ? " (from " + before.get(e.getKey()).trim() + ")" : "";
      figures.add(e.getKey() + " " + e.getValue() + from);
      if (!e.getKey().startsWith(Report.SPRING)) {
        met &= e.getValue() < RSS_MIB;
      }
    }
    return new Goal(goal, String.join(", ", figures) + " MiB", met);
  }

  /** The meta.json entries whose key starts with {@code prefix}, by the rest of the key. */
  private static Map<String, String> metaByPrefix(JsonObject meta, String prefix) {
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

  private static Optional<Long> parseLong(String value) {
    try {
      return Optional.of(Long.parseLong(value.trim()));
    } catch (NumberFormatException e) {
      // a process that had gone before its figure was read: nothing to judge
      return Optional.empty();
    }
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
            Report.compact(OVER_SPRING),
            p99NoHigher ? ", p99 no higher" : "");
    Optional<LoadResult> t = closed(results, troupe, scenario);
    Optional<LoadResult> s = closed(results, spring, scenario);
    if (t.isEmpty() || s.isEmpty()) {
      return new Goal(
          goal, "not measured (`" + scenario + "` of " + troupe + " and " + spring + ")", null);
    }
    LoadResult tr = t.get();
    LoadResult sr = s.get();
    Double ratio = Report.ratio(tr.throughput(), sr.throughput());
    String measured =
        String.format(
            Locale.ROOT,
            "%s %s vs %s %s req/s (%s); p99 %s vs %s ms%s",
            troupe,
            Report.thousands(tr.throughput()),
            spring,
            Report.thousands(sr.throughput()),
            Report.times(ratio),
            Report.ms(tr.latencyMs().p99()),
            Report.ms(sr.latencyMs().p99()),
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
            Report.thousands(CHAT_POSTS_PER_SEC));
    return closed(results, TROUPE_H2, "chat-post")
        .map(
            r ->
                new Goal(
                    goal,
                    String.format(
                        Locale.ROOT,
                        "%s %s posts/s, p99 %s ms%s",
                        TROUPE_H2,
                        Report.thousands(r.throughput()),
                        Report.ms(r.latencyMs().p99()),
                        errors(r)),
                    r.throughput() >= CHAT_POSTS_PER_SEC && r.errors() == 0))
        .orElseGet(() -> new Goal(goal, "not measured (`chat-post` of " + TROUPE_H2 + ")", null));
  }

  static Goal delivery(List<LoadResult> results) {
    String goal =
        String.format(
            Locale.ROOT,
            "chat delivery across six processes p99 < %s ms at %s posts/s",
            Report.compact(DELIVERY_P99_MS),
            Report.compact(DELIVERY_POSTS_PER_SEC));
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
            Report.ms(r.latencyMs().p99()),
            Report.ms(r.latencyMs().p50()),
            Report.compact(Math.round(postsPerSec * 10) / 10.0),
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
    if (meta != null) {
      meta.forEach(
          e -> {
            if (e.getKey().startsWith(RSS_KEY)) {
              try {
                rss.put(
                    e.getKey().substring(RSS_KEY.length()),
                    Long.parseLong(String.valueOf(e.getValue()).trim()));
              } catch (NumberFormatException ignored) {
                // a process that had gone before its figure was read: nothing to judge
              }
            }
          });
    }
    rss.keySet().removeIf(Report::isBaseline);
    rss.keySet()
        .removeIf(
            name ->
                name.startsWith("bare") || name.startsWith("one-hop") || name.startsWith("spring"));
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
}
