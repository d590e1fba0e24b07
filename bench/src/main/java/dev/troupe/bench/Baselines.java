package dev.troupe.bench;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The baselines every result of a run is set against, found by their labels: {@value #BARE},
 * {@value #ONE_HOP} and {@value #SPRING} (or {@value #SPRING_PG}, for a result on PostgreSQL, and
 * {@value #SPRING_OVERLOAD} for the overload scenario) of the same scenario, mode and rate; and the
 * report's rows, each result with its ratios to them.
 */
final class Baselines {
  static final String BARE = "bare";
  static final String ONE_HOP = "one-hop";

  /**
   * The same API on Spring Boot MVC + Hazelcast + JDBC (bench/spring-baseline), on H2: the stack to
   * beat.
   */
  static final String SPRING = "spring";

  /**
   * The Spring baseline on PostgreSQL, the baseline of every result whose label ends in {@value
   * #PG_SUFFIX}.
   */
  static final String SPRING_PG = "spring-pg";

  /** The label suffix of results measured on PostgreSQL; all others ran on H2. */
  static final String PG_SUFFIX = "-pg";

  /**
   * The label suffix of the overload scenario's results (bench/run's {@code overload}: the 90/10
   * mix at a normal and at a very high connection count); they are set against {@value
   * #SPRING_OVERLOAD}.
   */
  static final String OVERLOAD_SUFFIX = "-overload";

  /**
   * The Spring baseline under the overload scenario, the baseline of every {@code -overload} row.
   */
  static final String SPRING_OVERLOAD = SPRING + OVERLOAD_SUFFIX;

  /** One line of the table: a result and its ratios to the baselines (null where there is none). */
  record Row(
      LoadResult result,
      String group,
      Double throughputVsBare,
      Double throughputVsOneHop,
      Double p99VsBare,
      Double p99VsOneHop,
      Double throughputVsSpring,
      Double p99VsSpring) {}

  private Baselines() {}

  /** What a result is compared within: scenario, mode, and the rate of an open loop. */
  static String group(LoadResult r) {
    String mode =
        r.mode().equals("open")
            ? String.format(Locale.ROOT, "open %s/s", Format.compact(r.rate()))
            : "closed \u00d7" + r.connections();
    return r.scenario() + " \u00b7 " + mode;
  }

  /** Whether {@code label} names one of the baselines every other result is set against. */
  static boolean isBaseline(String label) {
    return label.equals(BARE)
        || label.equals(ONE_HOP)
        || label.equals(SPRING)
        || label.equals(SPRING_PG)
        || label.equals(SPRING_OVERLOAD);
  }

  /**
   * The Spring baseline a result is set against: the one on the same database, or the one of the
   * overload scenario.
   */
  static String springFor(String label) {
    if (label.endsWith(OVERLOAD_SUFFIX)) {
      return SPRING_OVERLOAD;
    }
    return label.endsWith(PG_SUFFIX) ? SPRING_PG : SPRING;
  }

  /**
   * Results ordered by scenario (in the generator's order), then mode, then bare, one-hop, spring
   * and the rest.
   */
  static List<Row> rows(List<LoadResult> results) {
    Map<String, Integer> labelOrder = new LinkedHashMap<>();
    labelOrder.put(BARE, 0);
    labelOrder.put(ONE_HOP, 1);
    labelOrder.put(SPRING, 2);
    labelOrder.put(SPRING_PG, 3);
    labelOrder.put(SPRING_OVERLOAD, 4);
    for (LoadResult r : results) {
      labelOrder.putIfAbsent(r.label(), labelOrder.size());
    }
    Comparator<LoadResult> order =
        Comparator.comparingInt((LoadResult r) -> scenarioRank(r.scenario()))
            .thenComparing(LoadResult::scenario)
            .thenComparing(LoadResult::mode)
            .thenComparingDouble(LoadResult::rate)
            .thenComparingInt(LoadResult::connections)
            .thenComparingInt(r -> labelOrder.get(r.label()));
    List<LoadResult> sorted = results.stream().sorted(order).toList();
    Map<String, LoadResult> bare = byGroup(sorted, BARE);
    Map<String, LoadResult> oneHop = byGroup(sorted, ONE_HOP);
    Map<String, Map<String, LoadResult>> spring =
        Map.of(
            SPRING,
            byGroup(sorted, SPRING),
            SPRING_PG,
            byGroup(sorted, SPRING_PG),
            SPRING_OVERLOAD,
            byGroup(sorted, SPRING_OVERLOAD));
    List<Row> rows = new ArrayList<>();
    for (LoadResult r : sorted) {
      String g = group(r);
      LoadResult b = bare.get(g);
      LoadResult h = oneHop.get(g);
      LoadResult sp = spring.get(springFor(r.label())).get(g);
      rows.add(
          new Row(
              r,
              g,
              b == null ? null : ratio(r.throughput(), b.throughput()),
              h == null ? null : ratio(r.throughput(), h.throughput()),
              b == null ? null : ratio(r.latencyMs().p99(), b.latencyMs().p99()),
              h == null ? null : ratio(r.latencyMs().p99(), h.latencyMs().p99()),
              sp == null ? null : ratio(r.throughput(), sp.throughput()),
              sp == null ? null : ratio(r.latencyMs().p99(), sp.latencyMs().p99())));
    }
    return rows;
  }

  /** The first result of {@code label} in each group. */
  private static Map<String, LoadResult> byGroup(List<LoadResult> results, String label) {
    Map<String, LoadResult> byGroup = new LinkedHashMap<>();
    for (LoadResult r : results) {
      if (r.label().equals(label)) {
        byGroup.putIfAbsent(group(r), r);
      }
    }
    return byGroup;
  }

  /**
   * The generator's order; a variant ({@code mixed-50}, {@code mget-100}) ranks with its scenario.
   */
  static int scenarioRank(String name) {
    for (Scenario s : Scenario.values()) {
      if (s.cliName.equals(name)) {
        return s.ordinal();
      }
    }
    for (Scenario s : Scenario.values()) {
      if (name.matches(Pattern.quote(s.cliName) + "-[0-9]+")) {
        return s.ordinal();
      }
    }
    return Scenario.values().length;
  }

  /** {@code value / baseline}, or null when the baseline measured nothing. */
  static Double ratio(double value, double baseline) {
    return baseline > 0 ? value / baseline : null;
  }
}
