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
 * Issue 17's overload goals, from the {@code -overload} results and {@code meta.json}: goodput kept
 * at a very high connection count, short queues for the requests admitted, nothing but 503s with
 * {@code Retry-After}, readiness and memory throughout. Spring's figures under the same scenario
 * are given beside Troupe's and never decide a goal.
 */
final class OverloadGoals {
  /**
   * The overload scenario's results (issue 17): the 90/10 mix in a closed loop at a normal and at a
   * very high connection count, all in one node, through the four processes' gateway, and on Spring
   * for comparison. Of each label's {@code mixed} results the one with the fewest connections is
   * the normal load, the one with the most the overload.
   */
  static final String TROUPE_H2_OVERLOAD = Goals.TROUPE_H2 + Baselines.OVERLOAD_SUFFIX;

  static final String TROUPE_4PROC_OVERLOAD = "troupe-4proc" + Baselines.OVERLOAD_SUFFIX;

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

  private OverloadGoals() {}

  /** Every overload goal, in the order of the goals table. */
  static List<Goals.Goal> evaluate(List<LoadResult> results, JsonObject meta) {
    return List.of(
        goodputKept(results, TROUPE_H2_OVERLOAD, "all in one node"),
        goodputKept(results, TROUPE_4PROC_OVERLOAD, "four processes"),
        admittedP99(results),
        onlyShed(results),
        readyThroughout(meta),
        overloadRss(meta));
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
        Format.thousands(high.throughput()),
        high.connections(),
        Format.thousands(normal.throughput()),
        normal.connections(),
        Format.percent(normal.throughput() > 0 ? high.throughput() / normal.throughput() : 0));
  }

  /** What Spring measured beside a goal's figures, or nothing when it did not run the scenario. */
  private static String springBeside(
      List<LoadResult> results, Function<LoadResult[], String> figures) {
    return overloadPair(results, Baselines.SPRING_OVERLOAD)
        .map(p -> "; " + figures.apply(p))
        .orElse("");
  }

  /**
   * Goodput (successful answers per second) at the overload's connection count against the normal
   * load's: shedding must throw away the excess, not the work the server could do.
   */
  static Goals.Goal goodputKept(List<LoadResult> results, String label, String where) {
    String goal =
        String.format(
            Locale.ROOT,
            "overload: goodput at %s connections \u2265 %s of goodput at %d, %s",
            Format.thousands(OVERLOAD_CONNECTIONS),
            Format.percent(GOODPUT_KEPT),
            OVERLOAD_NORMAL_CONNECTIONS,
            where);
    Optional<LoadResult[]> pair = overloadPair(results, label);
    if (pair.isEmpty()) {
      return new Goals.Goal(
          goal, "not measured (`mixed` of " + label + " at two connection counts)", null);
    }
    LoadResult normal = pair.get()[0];
    LoadResult high = pair.get()[1];
    String measured =
        goodputFigures(normal, high) + springBeside(results, p -> goodputFigures(p[0], p[1]));
    return new Goals.Goal(
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
        a == null ? "?" : Format.ms(a.p99()),
        high.connections(),
        Format.ms(high.latencyMs().p99()),
        Format.percent(answers > 0 ? (double) high.shed() / answers : 0));
  }

  /** The p99 of the requests the server admitted (not 503) under overload: short queues. */
  static Goals.Goal admittedP99(List<LoadResult> results) {
    String goal =
        String.format(
            Locale.ROOT,
            "overload: p99 of admitted requests at %s connections \u2264 %s ms, all in one node",
            Format.thousands(OVERLOAD_CONNECTIONS),
            Format.compact(ADMITTED_P99_MS));
    Optional<LoadResult[]> pair = overloadPair(results, TROUPE_H2_OVERLOAD);
    if (pair.isEmpty() || pair.get()[1].admittedMs() == null) {
      return new Goals.Goal(
          goal, "not measured (`mixed` of " + TROUPE_H2_OVERLOAD + " with admitted latency)", null);
    }
    LoadResult high = pair.get()[1];
    return new Goals.Goal(
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
        Format.thousands(shed),
        Format.thousands(noRetryAfter),
        Format.thousands(other),
        Format.thousands(unanswered));
  }

  /**
   * Under overload (both runs, all in one node and four processes) the only 5xx is a 503 that says
   * when to come back, and every request gets an answer (no connection failure, no timeout).
   */
  static Goals.Goal onlyShed(List<LoadResult> results) {
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
      return new Goals.Goal(
          goal,
          "not measured (`mixed` of " + TROUPE_H2_OVERLOAD + " or " + TROUPE_4PROC_OVERLOAD + ")",
          null);
    }
    List<LoadResult> spring = overloadRuns(results, Baselines.SPRING_OVERLOAD);
    if (!spring.isEmpty()) {
      figures.add(shedFigures(spring));
    }
    return new Goals.Goal(goal, String.join("; ", figures), met);
  }

  /**
   * Readiness during the overload run: bench/run polls {@code GET /health/ready} once a second and
   * records in meta.json how many polls were not answered 200 ("N of M").
   */
  static Goals.Goal readyThroughout(JsonObject meta) {
    String goal =
        "overload: ready throughout (`GET /health/ready` 200 at every poll, once a second, at "
            + Format.thousands(OVERLOAD_CONNECTIONS)
            + " connections)";
    Map<String, long[]> polls = new TreeMap<>();
    Goals.metaByPrefix(meta, NOT_READY_KEY)
        .forEach(
            (label, value) -> {
              Matcher m = POLLS.matcher(value);
              if (m.matches()) {
                polls.put(
                    label, new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
              }
            });
    Map<String, long[]> troupe = new TreeMap<>(polls);
    troupe.keySet().removeIf(label -> label.startsWith(Baselines.SPRING));
    if (troupe.isEmpty()) {
      return new Goals.Goal(goal, "not measured (no `" + NOT_READY_KEY + "` in meta.json)", null);
    }
    List<String> figures = new ArrayList<>();
    polls.forEach(
        (label, p) ->
            figures.add(
                String.format(Locale.ROOT, "%s %d of %d polls not ready", label, p[0], p[1])));
    boolean met = troupe.values().stream().allMatch(p -> p[0] == 0 && p[1] > 0);
    return new Goals.Goal(goal, String.join("; ", figures), met);
  }

  /** Every Troupe process's resident memory right after the overload run. */
  static Goals.Goal overloadRss(JsonObject meta) {
    String goal =
        "overload: every Troupe process < "
            + Goals.RSS_MIB
            + " MiB resident after the overload run";
    Map<String, Long> after = new TreeMap<>();
    Goals.metaByPrefix(meta, RSS_OVERLOAD_KEY)
        .forEach((name, v) -> Goals.parseLong(v).ifPresent(n -> after.put(name, n)));
    Map<String, String> before = Goals.metaByPrefix(meta, RSS_BEFORE_OVERLOAD_KEY);
    boolean troupe = after.keySet().stream().anyMatch(name -> !name.startsWith(Baselines.SPRING));
    if (!troupe) {
      return new Goals.Goal(
          goal, "not measured (no `" + RSS_OVERLOAD_KEY + "` in meta.json)", null);
    }
    List<String> figures = new ArrayList<>();
    boolean met = true;
    for (Map.Entry<String, Long> e : after.entrySet()) {
      String from =
          before.containsKey(e.getKey()) ? " (from " + before.get(e.getKey()).trim() + ")" : "";
      figures.add(e.getKey() + " " + e.getValue() + from);
      if (!e.getKey().startsWith(Baselines.SPRING)) {
        met &= e.getValue() < Goals.RSS_MIB;
      }
    }
    return new Goals.Goal(goal, String.join(", ", figures) + " MiB", met);
  }
}
