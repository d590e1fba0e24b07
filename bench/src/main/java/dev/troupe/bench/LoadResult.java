package dev.troupe.bench;

import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.HdrHistogram.Histogram;

/**
 * One measured run, as written to its JSON file and read back by the report.
 *
 * @param throughput successful answers per second over the measured window (errors excluded)
 * @param requests requests of the measured window that finished: answered with any status, or
 *     failed
 * @param errorsByStatus failures by HTTP status, plus {@code io} (connection failures, always
 *     present), {@code timeout} and {@code unfinished} (still unanswered when the run gave up)
 * @param latencyMs from the intended start (open loop, coordinated omission corrected) or the
 *     actual start (closed loop); answers of any status and timeouts (at the time they gave up)
 * @param serviceTimeMs from the moment a connection took the request (open loop; the server's
 *     share)
 * @param admittedMs as {@code latencyMs}, of the admitted requests only: answers whose status is
 *     not 503 (the status a server sheds load with); null where not recorded (other runners, older
 *     files)
 * @param noRetryAfter 503 answers without a {@code Retry-After} header
 * @param lateSends open loop: requests a connection took more than 1 ms after their intended start
 * @param histogram the latency histogram in microseconds, HdrHistogram's compressed form, base64
 * @param params what a chat scenario or runner was run with (rooms, members, ...) and figures of
 *     its own (lost and duplicated deliveries, ...); null for the others
 */
record LoadResult(
    String label,
    String scenario,
    String mode,
    String url,
    int connections,
    double rate,
    int eventLoops,
    long requests,
    long ok,
    double durationSec,
    double warmupSec,
    double throughput,
    Map<String, Long> errorsByStatus,
    Map<String, Long> statusCounts,
    Map<String, Long> cache,
    Latency latencyMs,
    Latency serviceTimeMs,
    Latency admittedMs,
    long noRetryAfter,
    long lateSends,
    boolean idsExhausted,
    long preloaded,
    String startedAt,
    String histogram,
    JsonObject params) {

  static LoadResult of(
      LoadOptions o, Stats s, double durationSec, long preloaded, String startedAt) {
    Map<String, Long> errors = new TreeMap<>(s.errors);
    errors.putIfAbsent(Stats.IO, 0L);
    Map<String, Long> statuses = new TreeMap<>();
    s.statuses.forEach((k, v) -> statuses.put(Integer.toString(k), v));
    String url = "http://" + o.host() + ":" + o.port() + o.basePath();
    String scenario = resultName(o);
    return new LoadResult(
        o.label(),
        scenario,
        o.mode(),
        url,
        o.connections(),
        o.rate(),
        o.eventLoops(),
        s.requests(),
        s.ok,
        round(durationSec, 3),
        o.warmupNanos() / 1e9,
        durationSec > 0 ? round(s.ok / durationSec, 1) : 0,
        errors,
        statuses,
        new TreeMap<>(s.cache),
        Latency.ofMicros(s.latency),
        o.open() ? Latency.ofMicros(s.service) : null,
        Latency.ofMicros(s.admitted),
        s.noRetryAfter,
        s.lateSends,
        s.idsExhausted,
        preloaded,
        startedAt,
        encode(s.latency),
        chatParams(o));
  }

  /**
   * The scenario's name in results and reports: an mget names its batch size ("mget-100": its
   * throughput is in requests, not documents), and a mixed run other than the default 90/10 its
   * share of PUTs ("mixed-50"), so each mix is compared only with the same mix.
   */
  static String resultName(LoadOptions o) {
    if (o.scenario() == Scenario.MGET) {
      return Scenario.MGET.cliName + "-" + o.batch();
    }
    if (o.scenario() == Scenario.MIXED && o.putPercent() != LoadOptions.DEFAULT_PUT_PERCENT) {
      return Scenario.MIXED.cliName + "-" + o.putPercent();
    }
    return o.scenario().cliName;
  }

  private static JsonObject chatParams(LoadOptions o) {
    if (!o.scenario().isChat()) {
      return null;
    }
    JsonObject params =
        new JsonObject()
            .put("rooms", o.rooms())
            .put("members", o.members())
            .put("roomDist", o.roomZipf() ? "zipf " + o.zipfExponent() : "uniform");
    return o.scenario() == Scenario.CHAT_HISTORY ? params.put("history", o.history()) : params;
  }

  /** Answers with status 503: requests the server shed. */
  long shed() {
    return statusCounts.getOrDefault(Integer.toString(Stats.SHED), 0L);
  }

  /** Answers 5xx other than 503: faults, not shed load. */
  long otherServerErrors() {
    return statusCounts.entrySet().stream()
        .filter(e -> e.getKey().length() == 3 && e.getKey().startsWith("5"))
        .filter(e -> !e.getKey().equals(Integer.toString(Stats.SHED)))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  /** Requests that got no answer: connection failures, timeouts, still unanswered at the end. */
  long unanswered() {
    return errorsByStatus.entrySet().stream()
        .filter(e -> !e.getKey().chars().allMatch(Character::isDigit))
        .mapToLong(Map.Entry::getValue)
        .sum();
  }

  long errors() {
    return errorsByStatus.values().stream().mapToLong(Long::longValue).sum();
  }

  static double round(double v, int digits) {
    double f = Math.pow(10, digits);
    return Math.round(v * f) / f;
  }

  static String encode(Histogram h) {
    ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
    int length = h.encodeIntoCompressedByteBuffer(buffer);
    byte[] bytes = new byte[length];
    buffer.flip();
    buffer.get(bytes);
    return Base64.getEncoder().encodeToString(bytes);
  }

  JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("label", label)
            .put("scenario", scenario)
            .put("mode", mode)
            .put("url", url)
            .put("connections", connections);
    if (rate > 0) {
      json.put("rate", rate);
    }
    json.put("eventLoops", eventLoops)
        .put("requests", requests)
        .put("ok", ok)
        .put("durationSec", durationSec)
        .put("warmupSec", warmupSec)
        .put("throughput", throughput)
        .put("errorsByStatus", new JsonObject(new LinkedHashMap<>(errorsByStatus)))
        .put("statusCounts", new JsonObject(new LinkedHashMap<>(statusCounts)))
        .put("cache", new JsonObject(new LinkedHashMap<>(cache)))
        .put("latencyMs", latencyMs.toJson());
    if (admittedMs != null) {
      json.put("admittedMs", admittedMs.toJson()).put("noRetryAfter", noRetryAfter);
    }
    if (serviceTimeMs != null) {
      json.put("serviceTimeMs", serviceTimeMs.toJson()).put("lateSends", lateSends);
    }
    json.put("idsExhausted", idsExhausted).put("preloaded", preloaded).put("startedAt", startedAt);
    if (params != null) {
      json.put("params", params);
    }
    if (histogram != null) {
      json.put("histogram", histogram);
    }
    return json;
  }

  /** Reads a result file; fields an older or hand-written file lacks get neutral values. */
  static LoadResult fromJson(JsonObject json) {
    String label = json.getString("label");
    String scenario = json.getString("scenario");
    if (label == null || scenario == null || !(json.getValue("throughput") instanceof Number)) {
      throw new IllegalArgumentException("not a load result: needs label, scenario and throughput");
    }
    return new LoadResult(
        label,
        scenario,
        json.getString("mode", "closed"),
        json.getString("url"),
        (int) num(json, "connections"),
        num(json, "rate"),
        (int) num(json, "eventLoops"),
        (long) num(json, "requests"),
        (long) num(json, "ok"),
        num(json, "durationSec"),
        num(json, "warmupSec"),
        num(json, "throughput"),
        counts(json.getJsonObject("errorsByStatus")),
        counts(json.getJsonObject("statusCounts")),
        counts(json.getJsonObject("cache")),
        Latency.fromJson(json.getJsonObject("latencyMs")),
        json.containsKey("serviceTimeMs")
            ? Latency.fromJson(json.getJsonObject("serviceTimeMs"))
            : null,
        json.containsKey("admittedMs") ? Latency.fromJson(json.getJsonObject("admittedMs")) : null,
        (long) num(json, "noRetryAfter"),
        (long) num(json, "lateSends"),
        json.getBoolean("idsExhausted", false),
        (long) num(json, "preloaded"),
        json.getString("startedAt"),
        json.getString("histogram"),
        json.getJsonObject("params"));
  }

  private static double num(JsonObject json, String key) {
    Object v = json.getValue(key);
    return v instanceof Number n ? n.doubleValue() : 0;
  }

  private static Map<String, Long> counts(JsonObject json) {
    Map<String, Long> map = new TreeMap<>();
    if (json != null) {
      json.forEach(
          e -> {
            if (e.getValue() instanceof Number n) {
              map.put(e.getKey(), n.longValue());
            }
          });
    }
    return map;
  }

  /** The one line {@code load} prints on stdout. */
  String summaryLine() {
    StringBuilder line =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "RESULT label=%s scenario=%s mode=%s%s requests=%d throughput=%.1f p50=%.3fms p90=%.3fms p99=%.3fms p99.9=%.3fms max=%.3fms errors=%d",
                label,
                scenario,
                mode,
                rate > 0 ? String.format(Locale.ROOT, " rate=%.0f", rate) : "",
                requests,
                throughput,
                latencyMs.p50(),
                latencyMs.p90(),
                latencyMs.p99(),
                latencyMs.p999(),
                latencyMs.max(),
                errors()));
    errorsByStatus.forEach(
        (k, v) -> {
          if (v > 0) {
            line.append(' ').append("err.").append(k).append('=').append(v);
          }
        });
    cache.forEach((k, v) -> line.append(" cache.").append(k).append('=').append(v));
    if (shed() > 0 && admittedMs != null) {
      line.append(String.format(Locale.ROOT, " admitted.p99=%.3fms", admittedMs.p99()));
      if (noRetryAfter > 0) {
        line.append(" noRetryAfter=").append(noRetryAfter);
      }
    }
    if (serviceTimeMs != null) {
      line.append(
          String.format(
              Locale.ROOT, " service.p99=%.3fms lateSends=%d", serviceTimeMs.p99(), lateSends));
    }
    if (idsExhausted) {
      line.append(" idsExhausted=true");
    }
    return line.toString();
  }
}
