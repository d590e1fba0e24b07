package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.bench.MgetVersusGets.Way;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class MgetVersusGetsTest {

  private static Map<Way, Histogram> times(
      long mgetMicros, long sequentialMicros, long concurrentMicros, int rounds) {
    Map<Way, Histogram> times = new TreeMap<>();
    for (Way way : Way.values()) {
      times.put(way, Stats.newHistogram());
    }
    for (int i = 0; i < rounds; i++) {
      times.get(Way.MGET).recordValue(mgetMicros);
      times.get(Way.SEQUENTIAL).recordValue(sequentialMicros);
      times.get(Way.CONCURRENT).recordValue(concurrentMicros);
    }
    return times;
  }

  @Test
  @DisplayName(
      "the result carries the _mget's latency and each way's median as a multiple of the _mget's")
  void ratiosOfMedians() {
    LoadResult r =
        MgetVersusGets.result(
            "troupe-h2",
            "http://127.0.0.1:1",
            32,
            100,
            10,
            2,
            0,
            1.5,
            "now",
            times(2_000, 50_000, 9_000, 10));

    assertThat(r.scenario()).isEqualTo(MgetVersusGets.SCENARIO);
    assertThat(r.ok()).isEqualTo(10);
    assertThat(r.latencyMs().p50()).isEqualTo(2.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(r.params().getDouble("sequentialOverMget"))
        .isEqualTo(25.0, org.assertj.core.data.Offset.offset(0.1));
    assertThat(r.params().getDouble("concurrentOverMget"))
        .isEqualTo(4.5, org.assertj.core.data.Offset.offset(0.1));
    assertThat(r.params().getJsonObject("sequentialMs").getDouble("p50"))
        .isEqualTo(50.0, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  @DisplayName(
      "the report's note states the three medians and both ratios, and survives the JSON round trip")
  void note() {
    LoadResult r =
        LoadResult.fromJson(
            MgetVersusGets.result(
                    "troupe-h2",
                    "http://127.0.0.1:1",
                    32,
                    100,
                    10,
                    2,
                    1,
                    1.5,
                    "now",
                    times(2_000, 50_000, 9_000, 10))
                .toJson());

    assertThat(r.errors()).isEqualTo(1);
    assertThat(Notes.mgetVersusGets("mget-vs-get / troupe-h2", r.params()))
        .contains("one _mget 2.00 ms")
        .contains("100 GETs one after another 50.0 ms, 25× the _mget")
        .contains("100 GETs at once over 32 connections 9.0")
        .contains("ms, 4.5× the _mget.");
  }

  @Test
  @DisplayName(
      "a report of a directory holding an mget-vs-get result beside an mget one writes both notes")
  void inAReport(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
    java.nio.file.Files.writeString(
        dir.resolve("mvg.json"),
        MgetVersusGets.result(
                "troupe-h2",
                "http://127.0.0.1:1",
                32,
                100,
                10,
                2,
                0,
                1.5,
                "now",
                times(2_000, 50_000, 9_000, 10))
            .toJson()
            .encodePrettily());

    String md =
        Report.markdown(
            "Troupe benchmark",
            Baselines.rows(Report.read(dir)),
            new io.vertx.core.json.JsonObject());

    assertThat(md).contains("mget-vs-get").contains("25× the _mget");
  }
}
