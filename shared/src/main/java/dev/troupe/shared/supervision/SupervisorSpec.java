package dev.troupe.shared.supervision;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What a {@link Supervisor} supervises and how. It travels in the supervisor's deployment config
 * (under {@link #CONFIG_KEY}), so a supervisor deployed by name, and redeployed by Vert.x HA on
 * another node, knows its children from its config alone.
 *
 * @param name the supervisor's name in logs, metrics and readiness
 * @param strategy what to restart when a child crashes
 * @param children started in this order, stopped in reverse
 */
public record SupervisorSpec(String name, Strategy strategy, List<ChildSpec> children) {
  /** The deployment config member holding the spec. */
  public static final String CONFIG_KEY = "troupe.supervisor";

  public SupervisorSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(strategy, "strategy");
    children = List.copyOf(children);
    if (children.isEmpty()) {
      throw new IllegalArgumentException("supervisor " + name + " needs at least one child");
    }
    Set<String> names = new HashSet<>();
    for (ChildSpec child : children) {
      if (!names.add(child.name())) {
        throw new IllegalArgumentException(
            "supervisor " + name + " has two children named " + child.name());
      }
    }
  }

  /**
   * Options to deploy a {@link Supervisor} with this spec: {@code config} (the node's settings,
   * which every child gets too) plus the spec. Set HA on them to have Vert.x HA move the
   * supervisor, with its children, to a survivor when this node dies.
   */
  public DeploymentOptions deploymentOptions(JsonObject config) {
    return new DeploymentOptions().setConfig(config.copy().put(CONFIG_KEY, toJson()));
  }

  /**
   * The spec as the config member a supervisor reads, e.g. for a nested supervisor's {@link
   * ChildSpec#config}.
   */
  public JsonObject asConfig() {
    return new JsonObject().put(CONFIG_KEY, toJson());
  }

  JsonObject toJson() {
    JsonArray list = new JsonArray();
    children.forEach(c -> list.add(c.toJson()));
    return new JsonObject()
        .put("name", name)
        .put("strategy", strategy.label())
        .put("children", list);
  }

  static SupervisorSpec fromConfig(JsonObject config) {
    JsonObject json = config.getJsonObject(CONFIG_KEY);
    if (json == null) {
      throw new IllegalArgumentException(
          "a supervisor needs its spec in the config member " + CONFIG_KEY);
    }
    JsonArray list = json.getJsonArray("children", new JsonArray());
    List<ChildSpec> children = list.stream().map(o -> ChildSpec.fromJson((JsonObject) o)).toList();
    return new SupervisorSpec(
        json.getString("name"),
        Strategy.parse(json.getString("strategy", "one-for-one")),
        children);
  }
}
