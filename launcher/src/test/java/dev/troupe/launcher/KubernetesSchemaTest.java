package dev.troupe.launcher;

import static dev.troupe.launcher.DeploymentFiles.ROOT;
import static dev.troupe.launcher.DeploymentFiles.at;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

/**
 * The validator of deploy/k8s ({@link KubernetesSchema}) refuses what the API server would: each
 * case spoils a fresh copy of a real manifest in one place.
 */
@DisplayName("KubernetesSchema")
class KubernetesSchemaTest {
  private static final Path DIR = ROOT.resolve("deploy/k8s");

  @Test
  @DisplayName("the gateway's Deployment, with every field deploy/k8s uses, is valid")
  void valid() {
    assertThat(KubernetesSchema.violation(gatewayDeployment())).isEmpty();
  }

  @Test
  @DisplayName("a misspelt field of the pod spec is refused, naming it and where it is")
  void misspeltField() {
    Map<String, Object> deployment = gatewayDeployment();
    Map<String, Object> pod = at(deployment, "spec", "template", "spec");
    pod.put("terminationGracePeriodSecond", pod.remove("terminationGracePeriodSeconds"));

    assertThat(KubernetesSchema.violation(deployment))
        .hasValueSatisfying(
            v ->
                assertThat(v)
                    .startsWith("unknown field spec.template.spec.terminationGracePeriodSecond ")
                    .contains("terminationGracePeriodSeconds"));
  }

  @Test
  @DisplayName("a misspelt field deeper down (in a topology spread constraint) is refused")
  void misspeltNestedField() {
    Map<String, Object> deployment = gatewayDeployment();
    List<Map<String, Object>> constraints =
        at(deployment, "spec", "template", "spec", "topologySpreadConstraints");
    constraints.get(1).put("whenUnsatisfiabel", constraints.get(1).remove("whenUnsatisfiable"));

    assertThat(KubernetesSchema.violation(deployment))
        .hasValueSatisfying(
            v ->
                assertThat(v)
                    .startsWith(
                        "unknown field spec.template.spec.topologySpreadConstraints[1].whenUnsatisfiabel "));
  }

  @Test
  @DisplayName("a string where the API wants a number is refused")
  void stringForNumber() {
    Map<String, Object> deployment = gatewayDeployment();
    Map<String, Object> spec = at(deployment, "spec");
    spec.put("replicas", "2");

    assertThat(KubernetesSchema.violation(deployment))
        .hasValueSatisfying(v -> assertThat(v).startsWith("spec.replicas: "));
  }

  @Test
  @DisplayName("an unquoted number as a ConfigMap value (the API wants strings) is refused")
  void numberForString() {
    Map<String, Object> configMap =
        DeploymentFiles.yamlDocuments(DIR.resolve("configmap.yaml")).get(0);
    Map<String, Object> data = at(configMap, "data");
    data.put("TROUPE_CLUSTER_PORT", 5701);

    assertThat(KubernetesSchema.violation(configMap))
        .hasValueSatisfying(v -> assertThat(v).startsWith("data.TROUPE_CLUSTER_PORT: "));
  }

  @Test
  @DisplayName("a kind the API does not have, or a beta version it no longer serves, is refused")
  void unknownKinds() {
    Map<String, Object> deployment = gatewayDeployment();
    deployment.put("kind", "Deploymnet");
    Map<String, Object> budget =
        DeploymentFiles.yamlDocuments(DIR.resolve("disruption-budget.yaml")).get(0);
    budget.put("apiVersion", "policy/v1beta1");

    assertThat(KubernetesSchema.violation(deployment))
        .hasValue("the Kubernetes API has no kind Deploymnet in apps/v1");
    assertThat(KubernetesSchema.violation(budget))
        .hasValue("PodDisruptionBudget policy/v1beta1 is not a GA version of the API");
  }

  private static Map<String, Object> gatewayDeployment() {
    return DeploymentFiles.yamlDocuments(DIR.resolve("gateway.yaml")).stream()
        .filter(o -> "Deployment".equals(o.get("kind")))
        .findFirst()
        .orElseThrow();
  }
}
