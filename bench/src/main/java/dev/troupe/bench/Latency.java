package dev.troupe.bench;

import io.vertx.core.json.JsonObject;
import org.HdrHistogram.Histogram;

/** Latency percentiles in milliseconds. */
record Latency(double p50, double p90, double p99, double p999, double max, double mean) {
  static final Latency NONE = new Latency(0, 0, 0, 0, 0, 0);

  /** From a histogram recorded in microseconds. */
  static Latency ofMicros(Histogram h) {
    if (h.getTotalCount() == 0) {
      return NONE;
    }
    return new Latency(
        ms(h.getValueAtPercentile(50.0)),
        ms(h.getValueAtPercentile(90.0)),
        ms(h.getValueAtPercentile(99.0)),
        ms(h.getValueAtPercentile(99.9)),
        ms(h.getMaxValue()),
        round3(h.getMean() / 1000.0));
  }

  private static double ms(long micros) {
    return micros / 1000.0;
  }

  private static double round3(double v) {
    return Math.round(v * 1000.0) / 1000.0;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("p50", p50)
        .put("p90", p90)
        .put("p99", p99)
        .put("p999", p999)
        .put("max", max)
        .put("mean", mean);
  }

  static Latency fromJson(JsonObject json) {
    if (json == null) {
      return NONE;
    }
    return new Latency(
        num(json, "p50"),
        num(json, "p90"),
        num(json, "p99"),
        num(json, "p999"),
        num(json, "max"),
        num(json, "mean"));
  }

  private static double num(JsonObject json, String key) {
    Object v = json.getValue(key);
    return v instanceof Number n ? n.doubleValue() : 0;
  }
}
