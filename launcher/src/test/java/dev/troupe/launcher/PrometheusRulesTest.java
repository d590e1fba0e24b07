package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static dev.troupe.launcher.DeploymentFiles.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * deploy/prometheus/rules.yml against the code and the compose file. {@code .ci/run} checks the
 * syntax and runs the rules' unit tests with promtool; this test keeps the rules on meters the code
 * registers, so renaming a meter cannot silently disarm an alert.
 */
@DisplayName("Prometheus rules")
class PrometheusRulesTest {
  private static final Path RULES = ROOT.resolve("deploy/prometheus/rules.yml");
  private static final Pattern TROUPE_METER = Pattern.compile("\\b(troupe_[a-z0-9_]+)\\b");
  private static final Pattern SUFFIX = Pattern.compile("_(total|sum|count|max|bucket)$");
  private static final Pattern BUCKETS = Pattern.compile("\\b([a-z_]+)_bucket\\b");

  private final List<Map<String, Object>> rules = rules();

  private static List<Map<String, Object>> rules() {
    List<Map<String, Object>> all = new ArrayList<>();
    List<Map<String, Object>> groups = at(DeploymentFiles.yaml(RULES), "groups");
    for (Map<String, Object> group : groups) {
      List<Map<String, Object>> inGroup = at(group, "rules");
      all.addAll(inGroup);
    }
    return all;
  }

  @Test
  @DisplayName(
      "alerts on availability, p99 latency, open breakers, lost quorum and failing jobs, each with a severity and a summary")
  void alerts() {
    Set<String> alerts = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      if (rule.containsKey("alert")) {
        String name = (String) rule.get("alert");
        alerts.add(name);
        assertThat(DeploymentFiles.<String>at(rule, "labels", "severity"))
            .as(name)
            .isIn("page", "warning");
        assertThat(DeploymentFiles.<String>at(rule, "annotations", "summary"))
            .as(name)
            .isNotBlank();
        assertThat(rule.get("for")).as("%s waits before it fires", name).isNotNull();
      } else {
        assertThat(rule.get("record")).as("a rule is an alert or a recording").isNotNull();
      }
    }
    assertThat(alerts)
        .contains(
            "TroupeAvailabilityLow",
            "TroupeHttpLatencyHigh",
            "TroupeBusLatencyHigh",
            "TroupeBreakerOpen",
            "TroupeQuorumLost",
            "TroupeJobsFailing");
  }

  @Test
  @DisplayName("every troupe_* meter the rules read is one the code registers")
  void metersExist() throws IOException {
    Set<String> registered = GrafanaDashboardTest.registeredMeters();
    Set<String> read = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      Matcher m = TROUPE_METER.matcher(String.valueOf(rule.get("expr")));
      while (m.find()) {
        read.add(SUFFIX.matcher(m.group(1)).replaceFirst(""));
      }
    }
    assertThat(read)
        .contains(
            "troupe_breaker_state",
            "troupe_cluster_members",
            "troupe_cluster_quorum",
            "troupe_jobs_chunks");
    Set<String> unknown = new TreeSet<>(read);
    unknown.removeAll(registered);
    assertThat(unknown).as("meters the rules read that no code registers").isEmpty();
  }

  @Test
  @DisplayName("p99 is recorded for every latency histogram, from its buckets")
  void p99Recorded() {
    Set<String> quantiles = new TreeSet<>();
    for (Map<String, Object> rule : rules) {
      String expr = String.valueOf(rule.get("expr"));
      if (rule.containsKey("record") && expr.startsWith("histogram_quantile(0.99,")) {
        Matcher m = BUCKETS.matcher(expr);
        while (m.find()) {
          quantiles.add(m.group(1));
        }
      }
    }
    assertThat(quantiles).containsAll(GrafanaDashboardTest.HISTOGRAMS);
  }

  @Test
  @DisplayName("prometheus.yml loads rules.yml, and docker-compose.yml mounts it beside the config")
  void loaded() {
    Map<String, Object> config =
        DeploymentFiles.yaml(ROOT.resolve("deploy/prometheus/prometheus.yml"));
    List<String> ruleFiles = at(config, "rule_files");
    assertThat(ruleFiles).containsExactly("rules.yml");
    List<String> volumes =
        at(
            DeploymentFiles.yaml(ROOT.resolve("docker-compose.yml")),
            "services",
            "prometheus",
            "volumes");
    assertThat(volumes)
        .contains(
            "./deploy/prometheus/prometheus.yml:/etc/prometheus/prometheus.yml:ro",
            "./deploy/prometheus/rules.yml:/etc/prometheus/rules.yml:ro");
  }
}
