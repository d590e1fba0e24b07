package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class GoalsTest {

  private static LoadResult result(
      String label, String scenario, double throughput, double p99, long errors) {
    return LoadResult.fromJson(
        new JsonObject()
            .put("label", label)
            .put("scenario", scenario)
            .put("mode", "closed")
            .put("connections", 32)
            .put("requests", 1000)
            .put("ok", 1000)
            .put("durationSec", 20.0)
            .put("throughput", throughput)
            .put("errorsByStatus", new JsonObject().put("io", errors))
            .put(
                "latencyMs",
                new JsonObject()
                    .put("p50", p99 / 4)
                    .put("p90", p99 / 2)
                    .put("p99", p99)
                    .put("p999", p99 * 2)
                    .put("max", p99 * 3)
                    .put("mean", p99 / 3)));
  }

  private static Goals.Goal goal(List<Goals.Goal> goals, String startsWith) {
    return goals.stream().filter(g -> g.goal().startsWith(startsWith)).findFirst().orElseThrow();
  }

  @Test
  @DisplayName(
      "a write goal is met at twice Spring's throughput on the same database with a p99 no higher, and not below")
  void writesOverSpring() {
    List<LoadResult> results =
        new ArrayList<>(
            List.of(
                result("spring", "put-new", 1_000, 40.0, 0),
                    result("troupe-h2", "put-new", 2_500, 30.0, 0),
                result("spring", "put-replace", 1_000, 40.0, 0),
                    result("troupe-h2", "put-replace", 2_500, 50.0, 0),
                result("spring-pg", "put-new", 800, 40.0, 0),
                    result("troupe-pg", "put-new", 1_500, 20.0, 0),
                result("spring", "mixed-50", 1_000, 10.0, 0),
                    result("troupe-h2", "mixed-50", 2_000, 90.0, 0),
                result("spring", "mixed", 1_000, 10.0, 0),
                    result("troupe-h2", "mixed", 2_200, 9.0, 3)));

    List<Goals.Goal> goals = Goals.evaluate(results, null);

    assertThat(goal(goals, "PUT of a new id on H2"))
        .satisfies(
            g -> {
              assertThat(g.met()).isTrue();
              assertThat(g.measured())
                  .isEqualTo(
                      "troupe-h2 2,500 vs spring 1,000 req/s (2.50\u00d7); p99 30.0 vs 40.0 ms");
            });
    assertThat(goal(goals, "PUT over an existing id on H2").met())
        .as("p99 above Spring's")
        .isFalse();
    assertThat(goal(goals, "PUT of a new id on PostgreSQL").met()).as("1.88x").isFalse();
    assertThat(goal(goals, "PUT of a new id on PostgreSQL").measured())
        .startsWith("troupe-pg 1,500 vs spring-pg 800");
    assertThat(goal(goals, "mixed 50/50 GET/PUT on H2").met())
        .as("throughput only: p99 not asked")
        .isTrue();
    assertThat(goal(goals, "mixed 90/10 GET/PUT on H2"))
        .satisfies(
            g -> {
              assertThat(g.met()).as("errors fail a goal").isFalse();
              assertThat(g.measured()).endsWith("; errors troupe-h2 3 spring 0");
            });
    assertThat(goal(goals, "PUT over an existing id on PostgreSQL"))
        .satisfies(
            g -> {
              assertThat(g.met()).isNull();
              assertThat(g.measured()).startsWith("not measured");
            });
  }

  @Test
  @DisplayName(
      "chat goals: posts/s all in one node, and the six processes' delivery p99 at the goal's rate without loss")
  void chat() {
    LoadResult delivery =
        LoadResult.fromJson(
            result("troupe-6proc", "chat-delivery", 5_000, 180.0, 0)
                .toJson()
                .put("mode", "open")
                .put("rate", 100.0)
                .put(
                    "params",
                    new JsonObject().put("postsPerSec", 99.8).put("lost", 0).put("duplicated", 0)));
    LoadResult slowPosts =
        LoadResult.fromJson(
            delivery
                .toJson()
                .put(
                    "params",
                    new JsonObject().put("postsPerSec", 40.0).put("lost", 0).put("duplicated", 0)));

    List<Goals.Goal> met =
        Goals.evaluate(List.of(result("troupe-h2", "chat-post", 3_200, 20.0, 0), delivery), null);
    List<Goals.Goal> missed =
        Goals.evaluate(List.of(result("troupe-h2", "chat-post", 2_900, 20.0, 0), slowPosts), null);

    assertThat(goal(met, "chat-post").met()).isTrue();
    assertThat(goal(met, "chat delivery").met()).isTrue();
    assertThat(goal(met, "chat delivery").measured())
        .isEqualTo("p99 180 ms (p50 45.0) at 99.8 posts/s; 0 lost, 0 duplicated");
    assertThat(goal(missed, "chat-post").met()).isFalse();
    assertThat(goal(missed, "chat delivery").met()).as("posted below the goal's rate").isFalse();
  }

  @Test
  @DisplayName(
      "the memory goal reads every Troupe process's RSS from meta.json and names those at or over the bound")
  void rss() {
    JsonObject meta =
        new JsonObject()
            .put("machine", "2 CPUs")
            .put("RSS MiB after run: troupe-h2", "498")
            .put("RSS MiB after run: node-db", "330")
            .put("RSS MiB after run: spring-baseline", "900")
            .put("RSS MiB after run: bare-server", "200");

    assertThat(Goals.rss(meta))
        .satisfies(
            g -> {
              assertThat(g.met()).isTrue();
              assertThat(g.measured())
                  .isEqualTo("330 to 498 MiB over 2 Troupe processes (most: troupe-h2)");
            });
    assertThat(Goals.rss(meta.copy().put("RSS MiB after run: troupe-pg", "512")))
        .satisfies(
            g -> {
              assertThat(g.met()).isFalse();
              assertThat(g.measured()).endsWith("; at or over: troupe-pg 512");
            });
    assertThat(Goals.rss(meta.copy().put("RSS MiB after run: baseline-h2", "900")))
        .as("the earlier build measured for comparison is not this build's process")
        .satisfies(
            g -> {
              assertThat(g.met()).isTrue();
              assertThat(g.measured()).startsWith("330 to 498 MiB over 2 Troupe processes");
            });
    assertThat(Goals.rss(null).met()).isNull();
  }

  @Test
  @DisplayName(
      "issue 18: cache-hit GET all in one node against the build before, both of the same run, 1.3x and no errors")
  void hitOverBaseline() {
    JsonObject meta = new JsonObject().put("baseline ref", "61adc0c");
    LoadResult before = result("baseline-h2", "hit", 10_000, 4.0, 0);

    Goals.Goal met =
        Goals.hitOverBaseline(List.of(before, result("troupe-h2", "hit", 13_000, 3.0, 0)), meta);
    assertThat(met.goal())
        .isEqualTo(
            "issue 18: cache-hit GET all in one node \u2265 1.3\u00d7 the build before (`baseline-h2`, 61adc0c)");
    assertThat(met.met()).isTrue();
    assertThat(met.measured())
        .isEqualTo(
            "troupe-h2 13,000 vs baseline-h2 10,000 req/s (1.30\u00d7); p99 3.00 vs 4.00 ms");

    assertThat(
            Goals.hitOverBaseline(List.of(before, result("troupe-h2", "hit", 12_900, 3.0, 0)), meta)
                .met())
        .as("1.29x")
        .isFalse();
    assertThat(
            Goals.hitOverBaseline(List.of(before, result("troupe-h2", "hit", 20_000, 3.0, 2)), meta)
                .met())
        .as("errors fail it")
        .isFalse();
    Goals.Goal rounds =
        Goals.hitOverBaseline(
            List.of(
                before,
                result("troupe-h2", "hit", 12_000, 3.0, 0),
                result("troupe-h2", "hit", 14_000, 5.0, 0),
                result("baseline-h2", "hit", 11_000, 6.0, 0)),
            meta);
    assertThat(rounds.measured())
        .as("the means of each label's runs")
        .isEqualTo(
            "troupe-h2 13,000 vs baseline-h2 10,500 req/s (1.24\u00d7), means of 2 and 2 runs "
                + "(troupe-h2 12,000, 14,000; baseline-h2 10,000, 11,000); p99 4.00 vs 5.00 ms");
    assertThat(rounds.met()).isFalse();
    Goals.Goal unmeasured =
        goal(Goals.evaluate(List.of(result("troupe-h2", "hit", 13_000, 3.0, 0)), null), "issue 18");
    assertThat(unmeasured.met()).isNull();
    assertThat(unmeasured.measured()).startsWith("not measured");
    assertThat(unmeasured.goal()).endsWith("(`baseline-h2`)");
  }

  /** An overload run: goodput, p99 of all answers and of the admitted ones, the 503s. */
  private static LoadResult overload(
      String label,
      int connections,
      double goodput,
      double p99,
      double admittedP99,
      long shed,
      long noRetryAfter,
      JsonObject errors) {
    JsonObject statuses = new JsonObject().put("200", 1_000);
    if (shed > 0) {
      statuses.put("503", shed);
      errors.put("503", shed);
    }
    errors.forEach(
        e -> {
          if (e.getKey().startsWith("5") && !e.getKey().equals("503")) {
            statuses.put(e.getKey(), e.getValue());
          }
        });
    return LoadResult.fromJson(
        result(label, "mixed", goodput, p99, 0)
            .toJson()
            .put("connections", connections)
            .put("errorsByStatus", errors)
            .put("statusCounts", statuses)
            .put("noRetryAfter", noRetryAfter)
            .put(
                "admittedMs",
                new JsonObject()
                    .put("p50", admittedP99 / 4)
                    .put("p90", admittedP99 / 2)
                    .put("p99", admittedP99)
                    .put("p999", admittedP99 * 2)
                    .put("max", admittedP99 * 3)
                    .put("mean", admittedP99 / 3)));
  }

  @Test
  @DisplayName(
      "overload goals: goodput kept at the high connection count, admitted p99, only 503s with Retry-After, Spring beside them")
  void overload() {
    List<LoadResult> results =
        List.of(
            overload("troupe-h2-overload", 64, 10_000, 10.0, 10.0, 0, 0, new JsonObject()),
            overload("troupe-h2-overload", 2_000, 8_500, 30.0, 40.0, 90_000, 0, new JsonObject()),
            overload("troupe-4proc-overload", 64, 5_000, 20.0, 20.0, 0, 0, new JsonObject()),
            overload(
                "troupe-4proc-overload",
                2_000,
                2_000,
                300.0,
                400.0,
                50_000,
                7,
                new JsonObject().put("502", 3).put("timeout", 2)),
            overload("spring-overload", 64, 4_000, 30.0, 30.0, 0, 0, new JsonObject()),
            overload("spring-overload", 2_000, 3_600, 900.0, 900.0, 0, 0, new JsonObject()),
            result("troupe-h2", "mixed", 12_000, 5.0, 0));

    List<Goals.Goal> goals = Goals.evaluate(results, null);

    assertThat(
            goal(
                goals,
                "overload: goodput at 2,000 connections \u2265 80% of goodput at 64, all in one node"))
        .satisfies(
            g -> {
              assertThat(g.met()).isTrue();
              assertThat(g.measured())
                  .isEqualTo(
                      "troupe-h2-overload 8,500 req/s at \u00d72000 vs 10,000 at \u00d764 (85%); "
                          + "spring-overload 3,600 req/s at \u00d72000 vs 4,000 at \u00d764 (90%)");
            });
    assertThat(goal(goals, "overload: goodput").goal()).doesNotContain("four");
    assertThat(
            goals.stream()
                .filter(g -> g.goal().endsWith("four processes") && g.goal().contains("goodput"))
                .findFirst()
                .orElseThrow()
                .met())
        .as("40%")
        .isFalse();
    assertThat(goal(goals, "overload: p99 of admitted"))
        .satisfies(
            g -> {
              assertThat(g.met()).isTrue();
              assertThat(g.measured())
                  .isEqualTo(
                      "troupe-h2-overload p99 40.0 ms admitted at \u00d72000 (all answers 30.0 ms, 99% shed); "
                          + "spring-overload p99 900 ms admitted at \u00d72000 (all answers 900 ms, 0% shed)");
            });
    assertThat(goal(goals, "overload: no 5xx but 503"))
        .satisfies(
            g -> {
              assertThat(g.met()).as("a 502, 503s without Retry-After, timeouts").isFalse();
              assertThat(g.measured())
                  .isEqualTo(
                      "troupe-h2-overload 90,000 \u00d7 503 (0 without Retry-After), 0 other 5xx, 0 unanswered; "
                          + "troupe-4proc-overload 50,000 \u00d7 503 (7 without Retry-After), 3 other 5xx, 2 unanswered; "
                          + "spring-overload 0 \u00d7 503 (0 without Retry-After), 0 other 5xx, 0 unanswered");
            });
    assertThat(OverloadGoals.onlyShed(results.subList(0, 2)).met()).isTrue();
    assertThat(OverloadGoals.goodputKept(List.of(results.get(0)), "troupe-h2-overload", "x").met())
        .as("one connection count only")
        .isNull();
  }

  @Test
  @DisplayName(
      "overload goals from meta.json: readiness polls and resident memory after the overload run, Spring's beside")
  void overloadMeta() {
    JsonObject meta =
        new JsonObject()
            .put("not-ready polls: troupe-h2", "0 of 34")
            .put("not-ready polls: spring", "5 of 30 (000: 5)")
            .put("RSS MiB before overload: troupe-h2", "400")
            .put("RSS MiB after overload: troupe-h2", "480")
            .put("RSS MiB after overload: spring-baseline", "900");

    assertThat(OverloadGoals.readyThroughout(meta))
        .satisfies(
            g -> {
              assertThat(g.met()).isTrue();
              assertThat(g.measured())
                  .isEqualTo("spring 5 of 30 polls not ready; troupe-h2 0 of 34 polls not ready");
            });
    assertThat(
            OverloadGoals.readyThroughout(
                    meta.copy().put("not-ready polls: troupe-4proc", "1 of 30"))
                .met())
        .isFalse();
    assertThat(OverloadGoals.overloadRss(meta))
        .satisfies(
            g -> {
              assertThat(g.met()).as("Spring's memory is beside the goal, not in it").isTrue();
              assertThat(g.measured())
                  .isEqualTo("spring-baseline 900, troupe-h2 480 (from 400) MiB");
            });
    assertThat(
            OverloadGoals.overloadRss(
                    meta.copy().put("RSS MiB after overload: node-gateway", "600"))
                .met())
        .isFalse();
    assertThat(OverloadGoals.readyThroughout(null).met()).isNull();
    assertThat(OverloadGoals.overloadRss(new JsonObject()).met()).isNull();
  }

  @Test
  @DisplayName(
      "the goals become a Markdown table with yes, no, or a dash for what the run did not measure")
  void markdown() {
    String md =
        Goals.markdown(
            List.of(
                new Goals.Goal("a", "m1", true),
                new Goals.Goal("b", "m2", false),
                new Goals.Goal("c", "not measured", null)));

    assertThat(md)
        .contains(
            "## Goals", "| a | m1 | yes |", "| b | m2 | **no** |", "| c | not measured | \u2013 |");
  }
}
