package dev.troupe.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class ArgsTest {

  private static LoadOptions load(String... args) {
    Args parsed = Args.parse(args, 0);
    LoadOptions options = LoadOptions.from(parsed);
    parsed.requireAllUsed();
    return options;
  }

  @Test
  @DisplayName("durations read as 20s, 500ms, 2m or plain seconds")
  void durations() {
    assertThat(Args.parseDurationNanos("20s")).isEqualTo(20_000_000_000L);
    assertThat(Args.parseDurationNanos("500ms")).isEqualTo(500_000_000L);
    assertThat(Args.parseDurationNanos("2m")).isEqualTo(120_000_000_000L);
    assertThat(Args.parseDurationNanos("1.5")).isEqualTo(1_500_000_000L);
  }

  @Test
  @DisplayName(
      "a closed-loop run defaults to 32 connections, an open-loop one to 256 at the given rate")
  void modes() {
    LoadOptions closed = load("--url", "http://127.0.0.1:9000", "--scenario", "hit");
    assertThat(closed.open()).isFalse();
    assertThat(closed.connections()).isEqualTo(32);
    assertThat(closed.port()).isEqualTo(9000);
    assertThat(closed.docPath("x")).isEqualTo("/api/v1/docs/bench/x");

    LoadOptions open =
        load(
            "--url",
            "http://127.0.0.1:9000",
            "--scenario",
            "mixed",
            "--mode",
            "open",
            "--rate",
            "5000",
            "--duration",
            "10s",
            "--warmup=1s");
    assertThat(open.open()).isTrue();
    assertThat(open.rate()).isEqualTo(5000);
    assertThat(open.connections()).isEqualTo(256);
    assertThat(open.durationNanos()).isEqualTo(10_000_000_000L);
    assertThat(open.warmupNanos()).isEqualTo(1_000_000_000L);
  }

  @Test
  @DisplayName(
      "mistakes stop the run before it starts: a typo, an open loop without rate, a miss without preload")
  void mistakes() {
    assertThatThrownBy(
            () -> load("--url", "http://127.0.0.1:1", "--scenario", "hit", "--conections", "3"))
        .hasMessageContaining("unknown option --conections");
    assertThatThrownBy(
            () -> load("--url", "http://127.0.0.1:1", "--scenario", "hit", "--mode", "open"))
        .hasMessageContaining("--rate");
    assertThatThrownBy(() -> load("--url", "http://127.0.0.1:1", "--scenario", "miss"))
        .hasMessageContaining("--preload");
    assertThatThrownBy(() -> load("--url", "http://127.0.0.1:1", "--scenario", "nope"))
        .hasMessageContaining("unknown scenario");
  }

  @Test
  @DisplayName("unique ids are handed out once each, then run out")
  void uniqueIds() {
    UniqueIds ids = new UniqueIds("d-", 10, 3);
    assertThat(ids.next()).isEqualTo("d-10");
    assertThat(ids.next()).isEqualTo("d-11");
    assertThat(ids.next()).isEqualTo("d-12");
    assertThat(ids.next()).isNull();
    assertThat(ids.exhausted()).isTrue();
    assertThat(ids.used()).isEqualTo(3);
  }
}
