package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReportTest {

  private static JsonObject result(
      String label,
      String scenario,
      String mode,
      double rate,
      double throughput,
      double p99,
      JsonObject errors) {
    JsonObject json =
        new JsonObject()
            .put("label", label)
            .put("scenario", scenario)
            .put("mode", mode)
            .put("connections", mode.equals("open") ? 256 : 32)
            .put("requests", 1000)
            .put("ok", 1000)
            .put("durationSec", 20.0)
            .put("throughput", throughput)
            .put("errorsByStatus", errors)
            .put(
                "latencyMs",
                new JsonObject()
                    .put("p50", p99 / 4)
                    .put("p90", p99 / 2)
                    .put("p99", p99)
                    .put("p999", p99 * 2)
                    .put("max", p99 * 3)
                    .put("mean", p99 / 3));
    if (rate > 0) {
      json.put("rate", rate);
    }
    return json;
  }

  private static void write(Path dir, String name, JsonObject json) throws Exception {
    Files.writeString(dir.resolve(name), json.encodePrettily());
  }

  private static Path fixture(Path dir) throws Exception {
    JsonObject none = new JsonObject().put("io", 0);
    write(dir, "01-bare-hit.json", result("bare", "hit", "closed", 0, 40_000, 1.0, none));
    write(dir, "02-onehop-hit.json", result("one-hop", "hit", "closed", 0, 20_000, 2.0, none));
    write(dir, "02-spring-hit.json", result("spring", "hit", "closed", 0, 5_000, 16.0, none));
    write(
        dir,
        "03-troupe-hit.json",
        result(
            "troupe-1node",
            "hit",
            "closed",
            0,
            10_000,
            8.0,
            new JsonObject().put("503", 3).put("io", 1)));
    write(
        dir,
        "04-troupe-hit-open.json",
        result("troupe-1node", "hit", "open", 2000, 1999.5, 0.75, none));
    write(dir, "05-bare-hit-open.json", result("bare", "hit", "open", 2000, 2000, 0.25, none));
    write(
        dir, "06-troupe-list.json", result("troupe-1node", "list", "closed", 0, 1_234, 40.0, none));
    write(
        dir,
        "07-troupe-putnew.json",
        result("troupe-1node", "put-new", "closed", 0, 3_000, 12.5, none));
    write(
        dir,
        "meta.json",
        new JsonObject()
            .put("cpus", 2)
            .put("java", "17.0.15")
            .put("rss", new JsonObject().put("troupe-1node", "412 MB")));
    Files.writeString(dir.resolve("notes.json"), "{\"not\":\"a result\"}");
    return dir;
  }

  @Test
  @DisplayName(
      "a miss row is compared with the hit row of the same label and mode, the cache's speed-up")
  void hitOverMiss(@TempDir Path dir) throws Exception {
    JsonObject none = new JsonObject();
    write(dir, "hit.json", result("troupe-pg", "hit", "closed", 0, 9_000, 8.0, none));
    write(dir, "miss.json", result("troupe-pg", "miss", "closed", 0, 2_500, 20.0, none));
    write(dir, "other-hit.json", result("troupe-h2", "hit", "closed", 0, 7_000, 8.0, none));
    String md =
        Report.markdown("Troupe benchmark", Baselines.rows(Report.read(dir)), new JsonObject());
    assertThat(md)
        .contains(
            "miss / troupe-pg / closed \u00d732: cache-hit GET (9,000/s) is 3.60\u00d7 an uncached GET (2,500/s) on troupe-pg.");
    assertThat(md.lines().filter(l -> l.contains("an uncached GET"))).hasSize(1);
  }

  @Test
  @DisplayName(
      "a run's results become one Markdown table, ordered by scenario, each with its ratios to the baselines")
  void markdown(@TempDir Path dir) throws Exception {
    List<LoadResult> results = Report.read(fixture(dir));
    assertThat(results).hasSize(8);
    String md = Report.markdown("Troupe benchmark", Baselines.rows(results), Report.readMeta(dir));

    List<String> tableRows =
        md.substring(0, md.indexOf("\n## "))
            .lines()
            .filter(
                l ->
                    l.startsWith("| ")
                        && !l.startsWith("| scenario")
                        && !l.startsWith("| key")
                        && !l.startsWith("| cpus")
                        && !l.startsWith("| java")
                        && !l.startsWith("| rss"))
            .toList();
    assertThat(tableRows)
        .containsExactly(
            "| hit | bare | closed \u00d732 | 40,000 | 0.250 | 1.00 | 2.00 | 3.00 | 0 | 1.00\u00d7 | 2.00\u00d7 | 8.00\u00d7 | 1.00\u00d7 | 0.50\u00d7 | 0.06\u00d7 |",
            "| hit | one-hop | closed \u00d732 | 20,000 | 0.500 | 2.00 | 4.00 | 6.00 | 0 | 0.50\u00d7 | 1.00\u00d7 | 4.00\u00d7 | 2.00\u00d7 | 1.00\u00d7 | 0.13\u00d7 |",
            "| hit | spring | closed \u00d732 | 5,000 | 4.00 | 16.0 | 32.0 | 48.0 | 0 | 0.13\u00d7 | 0.25\u00d7 | 1.00\u00d7 | 16.00\u00d7 | 8.00\u00d7 | 1.00\u00d7 |",
            "| hit | troupe-1node | closed \u00d732 | 10,000 | 2.00 | 8.00 | 16.0 | 24.0 | 4 (503: 3, io: 1) | 0.25\u00d7 | 0.50\u00d7 | 2.00\u00d7 | 8.00\u00d7 | 4.00\u00d7 | 0.50\u00d7 |",
            "| hit | bare | open 2000/s | 2,000 | 0.063 | 0.250 | 0.500 | 0.750 | 0 | 1.00\u00d7 | \u2013 | \u2013 | 1.00\u00d7 | \u2013 | \u2013 |",
            "| hit | troupe-1node | open 2000/s | 2,000 | 0.188 | 0.750 | 1.50 | 2.25 | 0 | 1.00\u00d7 | \u2013 | \u2013 | 3.00\u00d7 | \u2013 | \u2013 |",
            "| put-new | troupe-1node | closed \u00d732 | 3,000 | 3.13 | 12.5 | 25.0 | 37.5 | 0 | \u2013 | \u2013 | \u2013 | \u2013 | \u2013 | \u2013 |",
            "| list | troupe-1node | closed \u00d732 | 1,234 | 10.0 | 40.0 | 80.0 | 120 | 0 | \u2013 | \u2013 | \u2013 | \u2013 | \u2013 | \u2013 |");
    assertThat(md)
        .contains(
            "## Environment",
            "| cpus | 2 |",
            "| java | 17.0.15 |",
            "| rss.troupe-1node | 412 MB |",
            "![throughput and p99 by scenario](chart.png)");
  }

  @Test
  @DisplayName(
      "a result on PostgreSQL is set against Spring on PostgreSQL, one on H2 against Spring on H2, each mix against the same mix")
  void springOnTheSameDatabase(@TempDir Path dir) throws Exception {
    JsonObject none = new JsonObject();
    write(dir, "spring-put.json", result("spring", "put-new", "closed", 0, 1_000, 40.0, none));
    write(dir, "spring-pg-put.json", result("spring-pg", "put-new", "closed", 0, 500, 80.0, none));
    write(dir, "h2-put.json", result("troupe-h2", "put-new", "closed", 0, 3_000, 20.0, none));
    write(dir, "pg-put.json", result("troupe-pg", "put-new", "closed", 0, 2_000, 20.0, none));
    write(dir, "spring-mixed.json", result("spring", "mixed", "closed", 0, 2_000, 10.0, none));
    write(dir, "spring-mixed50.json", result("spring", "mixed-50", "closed", 0, 1_000, 10.0, none));
    write(dir, "h2-mixed50.json", result("troupe-h2", "mixed-50", "closed", 0, 4_000, 5.0, none));

    List<Baselines.Row> rows = Baselines.rows(Report.read(dir));

    assertThat(rows)
        .filteredOn(
            r -> r.result().label().equals("troupe-h2") && r.result().scenario().equals("put-new"))
        .singleElement()
        .satisfies(r -> assertThat(r.throughputVsSpring()).isEqualTo(3.0));
    assertThat(rows)
        .filteredOn(r -> r.result().label().equals("troupe-pg"))
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.throughputVsSpring()).isEqualTo(4.0);
              assertThat(r.p99VsSpring()).isEqualTo(0.25);
            });
    assertThat(rows)
        .filteredOn(
            r -> r.result().label().equals("troupe-h2") && r.result().scenario().equals("mixed-50"))
        .singleElement()
        .satisfies(r -> assertThat(r.throughputVsSpring()).isEqualTo(4.0));
    assertThat(rows)
        .extracting(r -> r.result().scenario())
        .as("a variant sorts with its scenario, after the plain one")
        .containsSubsequence("put-new", "mixed", "mixed-50");
    assertThat(Baselines.scenarioRank("miss-404")).isEqualTo(Scenario.MISS_404.ordinal());
    assertThat(Baselines.scenarioRank("mget-100")).isEqualTo(Scenario.MGET.ordinal());
  }

  @Test
  @DisplayName(
      "overload rows are set against Spring's overload rows, and a run with 503s gets a note on what was shed and admitted")
  void overload(@TempDir Path dir) throws Exception {
    JsonObject none = new JsonObject();
    write(
        dir,
        "spring.json",
        result("spring-overload", "mixed", "closed", 0, 2_000, 900.0, none)
            .put("connections", 2000));
    write(
        dir,
        "troupe.json",
        result(
                "troupe-h2-overload",
                "mixed",
                "closed",
                0,
                8_000,
                30.0,
                none.copy().put("503", 3_000))
            .put("connections", 2000)
            .put("statusCounts", new JsonObject().put("200", 1_000).put("503", 3_000))
            .put("noRetryAfter", 2)
            .put(
                "admittedMs",
                new JsonObject()
                    .put("p50", 5.0)
                    .put("p90", 20.0)
                    .put("p99", 45.0)
                    .put("p999", 80.0)
                    .put("max", 120.0)
                    .put("mean", 9.0)));

    List<Baselines.Row> rows = Baselines.rows(Report.read(dir));
    String md = Report.markdown("Troupe benchmark", rows, null);

    assertThat(rows)
        .filteredOn(r -> r.result().label().equals("troupe-h2-overload"))
        .singleElement()
        .satisfies(r -> assertThat(r.throughputVsSpring()).isEqualTo(4.0));
    assertThat(Baselines.isBaseline("spring-overload")).isTrue();
    assertThat(md)
        .contains(
            "mixed / troupe-h2-overload / closed \u00d72000: 3,000 of 4,000 answers were 503 (75% shed, "
                + "2 without Retry-After); admitted requests (not 503): p50 5.00, p99 45.0, p99.9 80.0, max 120 ms.");
    assertThat(md.lines().filter(l -> l.contains("answers were 503"))).hasSize(1);
  }

  @Test
  @DisplayName(
      "the report command writes report.md and a readable chart.png, and sums up on stdout")
  void writesFiles(@TempDir Path dir) throws Exception {
    fixture(dir);
    Path out = dir.resolve("out");
    int status = Main.run(new String[] {"report", "--in", dir.toString(), "--out", out.toString()});

    assertThat(status).isZero();
    assertThat(Files.readString(out.resolve("report.md")))
        .startsWith("# Troupe benchmark")
        .contains("## Goals");
    BufferedImage png = ImageIO.read(out.resolve("chart.png").toFile());
    assertThat(png.getWidth()).isGreaterThanOrEqualTo(960);
    assertThat(png.getHeight()).isGreaterThan(600);
  }

  @Test
  @DisplayName("the summary puts each Troupe result against the baselines, Spring's p99 too")
  void summary(@TempDir Path dir) throws Exception {
    String summary = Report.summary(Baselines.rows(Report.read(fixture(dir))));
    assertThat(
            summary
                .lines()
                .filter(l -> l.contains("troupe-1node") && l.startsWith("hit \u00b7 closed"))
                .findFirst())
        .hasValueSatisfying(
            l ->
                assertThat(l)
                    .contains(
                        "10,000 req/s",
                        "0.25\u00d7 bare",
                        "0.50\u00d7 one-hop",
                        "2.00\u00d7 spring (p99 0.50\u00d7)"));
    assertThat(
            summary
                .lines()
                .filter(l -> l.contains(" spring ") && l.startsWith("hit \u00b7 closed"))
                .findFirst())
        .hasValueSatisfying(
            l ->
                assertThat(l)
                    .contains("0.13\u00d7 bare", "0.25\u00d7 one-hop")
                    .doesNotContain("(p99"));
  }

  @Test
  @DisplayName("axis steps are round numbers")
  void niceSteps() {
    assertThat(Chart.niceStep(40_000)).isEqualTo(10_000);
    assertThat(Chart.niceStep(12)).isEqualTo(2.5);
    assertThat(Chart.niceStep(0.9)).isEqualTo(0.2);
    assertThat(Chart.compactCount(40_000)).isEqualTo("40k");
    assertThat(Chart.compactCount(1_500)).isEqualTo("1,500");
    assertThat(Chart.compactCount(2_500_000)).isEqualTo("2.5M");
    assertThat(Chart.plain(0.1 + 0.2)).isEqualTo("0.3");
    assertThat(Chart.plain(0)).isEqualTo("0");
  }

  @Test
  @DisplayName(
      "latencies far apart get a log axis, so the small bars stay visible; close ones a linear axis from 0")
  void scales() {
    Chart.Scale linear = Chart.Scale.of(List.of(1.0, 8.0, 20.0), true);
    assertThat(linear.log()).isFalse();
    assertThat(linear.position(0)).isZero();
    assertThat(linear.ticks()).contains(0.0, 5.0, 10.0, 20.0);

    Chart.Scale log = Chart.Scale.of(List.of(0.25, 40.0), true);
    assertThat(log.log()).isTrue();
    assertThat(log.low()).isEqualTo(0.01);
    assertThat(log.high()).isEqualTo(100.0);
    assertThat(log.position(1.0)).isCloseTo(0.5, org.assertj.core.api.Assertions.within(1e-9));
    assertThat(Chart.Scale.of(List.of(0.25, 40.0), false).log()).isFalse();
  }
}
