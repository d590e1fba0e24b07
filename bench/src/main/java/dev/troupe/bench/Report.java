package dev.troupe.bench;

import static dev.troupe.bench.Format.ms;
import static dev.troupe.bench.Format.thousands;
import static dev.troupe.bench.Format.times;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Turns the result files of one benchmark run into {@code report.md}, {@code chart.png} and a short
 * summary on stdout. Every figure is set against the baselines measured in the same run ({@link
 * Baselines}); {@link Notes} explain rows in their own units, then {@link Goals} reads the issues'
 * goals.
 */
final class Report {
  static final String META = "meta.json";

  static final String USAGE =
      "report --in DIR [--out DIR] [--title TEXT]\n"
          + "  reads DIR/*.json (load results) and DIR/meta.json (any key/values: machine, RSS, CPU ...);\n"
          + "  writes report.md and chart.png into --out (default: --in)";

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
    List<Baselines.Row> rows = Baselines.rows(results);
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

  static String markdown(String title, List<Baselines.Row> rows, JsonObject meta) {
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
    for (Baselines.Row row : rows) {
      LoadResult r = row.result();
      Latency l = r.latencyMs();
      md.append("| ")
          .append(r.scenario())
          .append(" | ")
          .append(escape(r.label()))
          .append(" | ")
          .append(Format.mode(r))
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
    List<String> notes = Notes.of(rows);
    if (!notes.isEmpty()) {
      md.append("\nNotes:\n\n");
      notes.forEach(n -> md.append("- ").append(n).append('\n'));
    }
    md.append("\n![throughput and p99 by scenario](chart.png)\n");
    md.append(
        Goals.markdown(Goals.evaluate(rows.stream().map(Baselines.Row::result).toList(), meta)));
    if (meta != null && !meta.isEmpty()) {
      md.append("\n## Environment\n\n| key | value |\n|---|---|\n");
      flatten("", meta)
          .forEach(
              (k, v) ->
                  md.append("| ").append(escape(k)).append(" | ").append(escape(v)).append(" |\n"));
    }
    return md.toString();
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

  static String summary(List<Baselines.Row> rows) {
    StringBuilder s = new StringBuilder();
    int groupWidth = rows.stream().mapToInt(r -> r.group().length()).max().orElse(0);
    int labelWidth = rows.stream().mapToInt(r -> r.result().label().length()).max().orElse(0);
    String format =
        "%-" + groupWidth + "s  %-" + labelWidth + "s %10s req/s  p99 %8s ms  errors %-6d";
    for (Baselines.Row row : rows) {
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
      if (row.throughputVsBare() != null && !r.label().equals(Baselines.BARE)) {
        s.append("  ").append(times(row.throughputVsBare())).append(" bare");
      }
      if (row.throughputVsOneHop() != null
          && !r.label().equals(Baselines.ONE_HOP)
          && !r.label().equals(Baselines.BARE)) {
        s.append("  ").append(times(row.throughputVsOneHop())).append(" one-hop");
      }
      if (row.throughputVsSpring() != null && !Baselines.isBaseline(r.label())) {
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

  private static String escape(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }
}
