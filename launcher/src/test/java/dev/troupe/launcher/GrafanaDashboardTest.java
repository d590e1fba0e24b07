package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static dev.troupe.launcher.DeploymentFiles.at;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/** The provisioned Grafana dashboard covers the meters the code registers. */
@DisplayName("Grafana")
class GrafanaDashboardTest {
  /**
   * The latency histograms a node serves (dev.troupe.shared.metrics.LatencyHistograms): HTTP
   * requests, bus requests, pipeline stages.
   */
  static final List<String> HISTOGRAMS =
      List.of(
          "vertx_http_server_response_time_seconds",
          "troupe_bus_request_seconds",
          "troupe_stage_seconds");

  private static final Pattern CONSTANT =
      Pattern.compile(
          "static\\s+final\\s+String\\s+([A-Z][A-Z0-9_]*)\\s*=\\s*\"(troupe_[a-z0-9_]+)\"");

  @Test
  @DisplayName(
      "the dashboard charts every troupe_* meter the code registers, from the provisioned data source")
  void dashboard() throws IOException {
    JsonObject dashboard =
        new JsonObject(DeploymentFiles.read(ROOT.resolve("deploy/grafana/dashboards/troupe.json")));
    Map<String, Object> datasources =
        DeploymentFiles.yaml(
            ROOT.resolve("deploy/grafana/provisioning/datasources/prometheus.yml"));
    List<Map<String, Object>> list = at(datasources, "datasources");
    String uid = (String) list.get(0).get("uid");

    StringBuilder expressions = new StringBuilder();
    JsonArray panels = dashboard.getJsonArray("panels");
    for (int i = 0; i < panels.size(); i++) {
      JsonObject panel = panels.getJsonObject(i);
      if ("row".equals(panel.getString("type"))) {
        continue;
      }
      assertThat(panel.getJsonObject("datasource").getString("uid"))
          .as(panel.getString("title"))
          .isEqualTo(uid);
      JsonArray targets = panel.getJsonArray("targets");
      assertThat(targets).as(panel.getString("title")).isNotEmpty();
      targets.forEach(t -> expressions.append(((JsonObject) t).getString("expr")).append('\n'));
    }

    Set<String> uncharted = new TreeSet<>();
    for (String meter : registeredMeters()) {
      if (!Pattern.compile("\\b" + meter + "(_total|_sum|_count|_max|_bucket)?\\b")
          .matcher(expressions)
          .find()) {
        uncharted.add(meter);
      }
    }
    assertThat(registeredMeters())
        .as("meters named by a literal and through a constant")
        .contains(
            "troupe_inflight", "troupe_stage_seconds", "troupe_cache_hits", "troupe_actor_live");
    assertThat(uncharted)
        .as(
            "troupe_* meters the code registers that no panel of deploy/grafana/dashboards/troupe.json charts "
                + "(add a panel, so operators see it)")
        .isEmpty();
  }

  @Test
  @DisplayName("every latency histogram has a p99 panel over its buckets")
  void p99Panels() {
    JsonObject dashboard =
        new JsonObject(DeploymentFiles.read(ROOT.resolve("deploy/grafana/dashboards/troupe.json")));
    List<String> expressions = new ArrayList<>();
    dashboard
        .getJsonArray("panels")
        .forEach(
            p -> {
              JsonArray targets = ((JsonObject) p).getJsonArray("targets");
              if (targets != null) {
                targets.forEach(t -> expressions.add(((JsonObject) t).getString("expr")));
              }
            });
    for (String histogram : HISTOGRAMS) {
      assertThat(expressions)
          .as("a panel charting histogram_quantile(0.99, ...) of %s_bucket", histogram)
          .anySatisfy(
              e ->
                  assertThat(e)
                      .contains("histogram_quantile(0.99,")
                      .contains(histogram + "_bucket{"));
    }
  }

  /**
   * The names given to a meter builder, as a literal ({@code Counter.builder("troupe_x")}) or
   * through a constant of the same file ({@code static final String X = "troupe_x"; ...
   * Counter.builder(X)}).
   */
  static Set<String> registeredMeters() throws IOException {
    Pattern builder =
        Pattern.compile(
            "(?:Counter|Gauge|Timer|DistributionSummary|FunctionCounter|FunctionTimer)"
                + "\\.builder\\(\\s*(?:\"(troupe_[a-z0-9_]+)\"|([A-Z][A-Z0-9_]*)\\b)");
    Set<String> meters = new TreeSet<>();
    for (Service service : Service.values()) {
      meters.addAll(meters(builder, DeploymentFiles.module(service).resolve("src/main")));
    }
    meters.addAll(meters(builder, ROOT.resolve("shared/src/main")));
    return meters;
  }

  private static Set<String> meters(Pattern builder, Path sources) throws IOException {
    Set<String> meters = new TreeSet<>();
    try (Stream<Path> files = Files.walk(sources)) {
      for (Path file : files.filter(p -> p.toString().endsWith(".java")).toList()) {
        String source = Files.readString(file);
        Map<String, String> constants = new HashMap<>();
        Matcher c = CONSTANT.matcher(source);
        while (c.find()) {
          constants.put(c.group(1), c.group(2));
        }
        Matcher m = builder.matcher(source);
        while (m.find()) {
          String name = m.group(1) != null ? m.group(1) : constants.get(m.group(2));
          if (name != null) {
            meters.add(name);
          }
        }
      }
    }
    return meters;
  }
}
