package dev.troupe.bench;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns the result files of one benchmark run into {@code report.md}, {@code chart.png} and a short
 * summary on stdout. Every figure is set against the baselines measured in the same run: the
 * results labelled {@value #BARE}, {@value #ONE_HOP} and {@value #SPRING} (or {@value #SPRING_PG},
 * for a result on PostgreSQL) of the same scenario, mode and rate; then {@link Goals} reads the
 * issues' goals.
 */
final class Report {
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

  static final String META = "meta.json";

  static final String USAGE =
      "report --in DIR [--out DIR] [--title TEXT]\n"
          + "  reads DIR/*.json (load results) and DIR/meta.json (any key/values: machine, RSS, CPU ...);\n"
          + "  writes report.md and chart.png into --out (default: --in)";

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

  private Report() {}

  static int main(Args args) throws IOException {
    Path in = Path.of(args.required("in"));
    Path out = Path.of(args.string("out", in.toString()));
    String title = args.string("title", "Troupe benchmark");
    args.requireAllUsed();
    if (!Files.isDirectory(in)) {
      throw new IllegalArgumentException("--in " + in + " is not a directory");
    }
    List<LoadResult> results = read(in);
    if (results.isEmpty()) {
      throw new IllegalArgumentException("no load results (*.json) in " + in);
    }
    JsonObject meta = readMeta(in);
    List<Row> rows = rows(results);
    Files.createDirectories(out);
    Path md = out.resolve("report.md");
    Path png = out.resolve("chart.png");
    Files.writeString(md, markdown(title, rows, meta));
    Chart.write(title, rows, png);
    System.out.println(summary(rows));
    System.out.println("report: " + results.size() + " results -> " + md + ", " + png);
    return 0;
  }

  /**
   * Every load result in {@code dir}, by file name; files that are not results are skipped with a
   * note.
   */
  static List<LoadResult> read(Path dir) throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(dir)) {
      files =
          list.filter(p -> p.getFileName().toString().endsWith(".json"))
              .filter(p -> !p.getFileName().toString().equals(META))
              .sorted()
              .toList();
    }
    List<LoadResult> results = new ArrayList<>();
    for (Path file : files) {
      try {
        results.add(LoadResult.fromJson(new JsonObject(Files.readString(file))));
      } catch (RuntimeException e) {
        System.err.println("report: skipping " + file.getFileName() + ": " + e.getMessage());
      }
    }
    return results;
  }

  static JsonObject readMeta(Path dir) throws IOException {
    Path file = dir.resolve(META);
    if (!Files.isRegularFile(file)) {
      return null;
    }
    try {
      return new JsonObject(Files.readString(file));
    } catch (RuntimeException e) {
      System.err.println("report: ignoring " + META + ": " + e.getMessage());
      return null;
    }
  }

  /** What a result is compared within: scenario, mode, and the rate of an open loop. */
  static String group(LoadResult r) {
    String mode =
        r.mode().equals("open")
            ? String.format(Locale.ROOT, "open %s/s", compact(r.rate()))
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
    Map<String, LoadResult> bare = baselines(sorted, BARE);
    Map<String, LoadResult> oneHop = baselines(sorted, ONE_HOP);
    Map<String, Map<String, LoadResult>> spring =
        Map.of(
            SPRING,
            baselines(sorted, SPRING),
            SPRING_PG,
            baselines(sorted, SPRING_PG),
            SPRING_OVERLOAD,
            baselines(sorted, SPRING_OVERLOAD));
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

  private static Map<String, LoadResult> baselines(List<LoadResult> results, String label) {
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

  static String markdown(String title, List<Row> rows, JsonObject meta) {
    StringBuilder md = new StringBuilder();
    md.append("# ").append(title).append("\n\n");
    md.append(
            "Throughput counts successful answers per second over the measured window (warm-up excluded). ")
        .append(
            "Latencies are in milliseconds; open-loop latencies run from each request's intended start ")
        .append("(corrected for coordinated omission), closed-loop ones from its actual start. ")
        .append(
            "Ratios set each result against the baselines of the same scenario, mode and rate: ")
        .append(
            "`bare` (a plain Vert.x server answering from memory), `one-hop` (the same with one clustered ")
        .append(
            "event-bus request-reply) and `spring` (the same API on Spring Boot MVC + Hazelcast + JDBC, the stack ")
        .append(
            "most teams would pick instead, on H2; `spring-pg` on PostgreSQL, the baseline of the `-pg` rows). ")
        .append("`mixed` is 90% GET / 10% PUT, `mixed-50` half and half. ")
        .append(
            "The `-overload` rows run `mixed` at a normal and at a very high connection count; their ")
        .append(
            "baseline is `spring-overload`, and their req/s counts only successful answers (goodput): ")
        .append("a 503 sheds a request, it is not an answer. ")
        .append("Throughput ratio above 1 is faster; p99 ratio above 1 is slower.\n\n");
    md.append(
        "| scenario | label | mode | req/s | p50 | p99 | p99.9 | max | errors | req/s vs bare | req/s vs one-hop "
            + "| req/s vs spring | p99 vs bare | p99 vs one-hop | p99 vs spring |\n");
    md.append("|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (Row row : rows) {
      LoadResult r = row.result();
      Latency l = r.latencyMs();
      md.append("| ")
          .append(r.scenario())
          .append(" | ")
          .append(escape(r.label()))
          .append(" | ")
          .append(mode(r))
          .append(" | ")
          .append(thousands(r.throughput()))
          .append(" | ")
          .append(ms(l.p50()))
          .append(" | ")
          .append(ms(l.p99()))
          .append(" | ")
          .append(ms(l.p999()))
          .append(" | ")
          .append(ms(l.max()))
          .append(" | ")
          .append(errors(r))
          .append(" | ")
          .append(times(row.throughputVsBare()))
          .append(" | ")
          .append(times(row.throughputVsOneHop()))
          .append(" | ")
          .append(times(row.throughputVsSpring()))
          .append(" | ")
          .append(times(row.p99VsBare()))
          .append(" | ")
          .append(times(row.p99VsOneHop()))
          .append(" | ")
          .append(times(row.p99VsSpring()))
          .append(" |\n");
    }
    List<String> notes = notes(rows);
    if (!notes.isEmpty()) {
      md.append("\nNotes:\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    md.append("\n![throughput and p99 by scenario](chart.png)\n");
    md.append(Goals.markdown(Goals.evaluate(rows.stream().map(Row::result).toList(), meta)));
    if (meta != null && !meta.isEmpty()) {
      md.append("\n## Environment\n\n| key | value |\n|---|---|\n");
      flatten("", meta)
          .forEach(
              (k, v) ->
                  md.append("| ").append(escape(k)).append(" | ").append(escape(v)).append(" |\n"));
    }
    return md.toString();
  }

  private static List<String> notes(List<Row> rows) {
    List<String> notes = new ArrayList<>();
    for (Row row : rows) {
      LoadResult r = row.result();
      String who = r.scenario() + " / " + r.label() + " / " + mode(r);
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
            .map(Row::result)
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
            .map(Row::result)
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
        notes.add(mgetVersusGetsNote(who, r.params()));
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
        notes.add(chatNote(who, r, r.params()));
      }
      if (r.shed() > 0) {
        notes.add(shedNote(who, r));
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
  static String shedNote(String who, LoadResult r) {
    long answers = r.statusCounts().values().stream().mapToLong(Long::longValue).sum();
    Latency a = r.admittedMs();
    return String.format(
        Locale.ROOT,
        "%s: %s of %s answers were 503 (%s shed, %s without Retry-After)%s; %s.",
        who,
        thousands(r.shed()),
        thousands(answers),
        percent(answers > 0 ? (double) r.shed() / answers : 0),
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
  static String mgetVersusGetsNote(String who, JsonObject p) {
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
        Report.compact(p.getDouble("sequentialOverMget", 0.0)),
        p.getValue("ids"),
        p.getValue("connections", "the pool's"),
        ms(concurrent.p50()),
        Report.compact(p.getDouble("concurrentOverMget", 0.0)));
  }

  /**
   * What a chat row measured, in the units it is about: actor messages, or deliveries and their
   * losses.
   */
  static String chatNote(String who, LoadResult r, JsonObject p) {
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
          Report.compact(p.getDouble("postsPerSec", 0.0)),
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

  /** Nested keys become {@code a.b}; arrays are joined with commas. */
  static Map<String, String> flatten(String prefix, JsonObject json) {
    Map<String, String> flat = new LinkedHashMap<>();
    json.forEach(
        e -> {
          String key = prefix.isEmpty() ? e.getKey() : prefix + "." + e.getKey();
          Object v = e.getValue();
          if (v instanceof JsonObject o) {
            flat.putAll(flatten(key, o));
          } else if (v instanceof JsonArray a) {
            flat.put(key, a.stream().map(String::valueOf).collect(Collectors.joining(", ")));
          } else {
            flat.put(key, String.valueOf(v));
          }
        });
    return flat;
  }

  static String summary(List<Row> rows) {
    StringBuilder s = new StringBuilder();
    int groupWidth = rows.stream().mapToInt(r -> r.group().length()).max().orElse(0);
    int labelWidth = rows.stream().mapToInt(r -> r.result().label().length()).max().orElse(0);
    String format =
        "%-" + groupWidth + "s  %-" + labelWidth + "s %10s req/s  p99 %8s ms  errors %-6d";
    for (Row row : rows) {
      LoadResult r = row.result();
      s.append(
          String.format(
              Locale.ROOT,
              format,
              row.group(),
              r.label(),
              thousands(r.throughput()),
              ms(r.latencyMs().p99()),
              r.errors()));
      if (row.throughputVsBare() != null && !r.label().equals(BARE)) {
        s.append("  ").append(times(row.throughputVsBare())).append(" bare");
      }
      if (row.throughputVsOneHop() != null
          && !r.label().equals(ONE_HOP)
          && !r.label().equals(BARE)) {
        s.append("  ").append(times(row.throughputVsOneHop())).append(" one-hop");
      }
      if (row.throughputVsSpring() != null && !isBaseline(r.label())) {
        s.append("  ")
            .append(times(row.throughputVsSpring()))
            .append(" spring (p99 ")
            .append(times(row.p99VsSpring()))
            .append(')');
      }
      s.append('\n');
    }
    return s.toString().stripTrailing();
  }

  static String mode(LoadResult r) {
    return r.mode().equals("open")
        ? "open " + compact(r.rate()) + "/s"
        : "closed \u00d7" + r.connections();
  }

  static String errors(LoadResult r) {
    long total = r.errors();
    if (total == 0) {
      return "0";
    }
    String detail =
        r.errorsByStatus().entrySet().stream()
            .filter(e -> e.getValue() > 0)
            .map(e -> e.getKey() + ": " + e.getValue())
            .collect(Collectors.joining(", "));
    return total + " (" + detail + ")";
  }

  static String times(Double ratio) {
    return ratio == null ? "\u2013" : String.format(Locale.ROOT, "%.2f\u00d7", ratio);
  }

  static String ms(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** 0.263 -> 26%; below 1%, one decimal (0.4%). */
  static String percent(double fraction) {
    double p = fraction * 100;
    return p > 0 && p < 1
        ? String.format(Locale.ROOT, "%.1f%%", p)
        : String.format(Locale.ROOT, "%.0f%%", p);
  }

  static String thousands(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  static String thousands(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  /** 2000 -> 2000, 2500.5 -> 2500.5: rates as the user typed them. */
  static String compact(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
