package dev.troupe.shared.supervision;

import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * One child of a supervisor: a verticle deployed by name (so the supervisor, and Vert.x HA with it,
 * can deploy it again anywhere), with its instance count. It gets the supervisor's config.
 *
 * @param name the child's name in logs, metrics ({@code child} tag) and readiness; unique in its
 *     supervisor
 * @param verticle the verticle's name, e.g. a class name
 * @param instances verticle instances (at least 1)
 * @param config members laid over the supervisor's config for this child (e.g. a nested
 *     supervisor's {@link SupervisorSpec#asConfig spec}); empty for none
 */
public record ChildSpec(String name, String verticle, int instances, JsonObject config) {
  public ChildSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(verticle, "verticle");
    if (name.isBlank() || verticle.isBlank()) {
      throw new IllegalArgumentException("a child needs a name and a verticle");
    }
    if (instances < 1) {
      throw new IllegalArgumentException(
          "child " + name + " needs at least 1 instance, got " + instances);
    }
    config = config == null ? new JsonObject() : config.copy();
  }

  /** A child with {@code instances} instances and the supervisor's config. */
  public ChildSpec(String name, String verticle, int instances) {
    this(name, verticle, instances, new JsonObject());
  }

  /** A child of one instance. */
  public static ChildSpec of(String name, String verticle) {
    return new ChildSpec(name, verticle, 1);
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("name", name)
        .put("verticle", verticle)
        .put("instances", instances)
        .put("config", config.copy());
  }

  static ChildSpec fromJson(JsonObject json) {
    return new ChildSpec(
        json.getString("name"),
        json.getString("verticle"),
        json.getInteger("instances", 1),
        json.getJsonObject("config"));
  }
}
