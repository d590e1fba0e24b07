package dev.troupe.shared.supervision;

import dev.troupe.shared.cluster.NodeRuntime;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;

/** The configs a {@link Supervisor} and its children run with. */
final class ChildConfigs {
  /**
   * Config member listing the keys a parent's {@link ChildSpec#config} set, which beat the node's
   * settings.
   */
  static final String OVERRIDES = "troupe.supervisor.overrides";

  private ChildConfigs() {}

  /**
   * The settings a supervisor deployed with {@code own} and its children run with: this node's,
   * when a Troupe node runs here, with what its own parent's {@link ChildSpec#config} set on top. A
   * supervisor that Vert.x HA moved from a dead node carries that node's config (its data dir, its
   * ports, its name); its children must get the survivor's.
   */
  static JsonObject base(Vertx vertx, JsonObject own) {
    JsonObject copy = own.copy();
    copy.remove(SupervisorSpec.CONFIG_KEY);
    copy.remove(Supervision.OWNER);
    JsonArray overrides = (JsonArray) copy.remove(OVERRIDES);
    return NodeRuntime.find(vertx)
        .map(
            runtime -> {
              JsonObject config = runtime.settings().toJson();
              if (overrides != null) {
                overrides.forEach(key -> config.put((String) key, copy.getValue((String) key)));
              }
              return config;
            })
        .orElse(copy);
  }

  /**
   * The deployment config of a child: {@code base} with the child's own {@link ChildSpec#config} on
   * top, the list of those keys (so a nested supervisor keeps them over its node's settings), and
   * its {@link Supervision#OWNER} (so its crashes reach the supervisor).
   */
  static JsonObject of(JsonObject base, ChildSpec child, String owner) {
    return base.copy()
        .mergeIn(child.config())
        .put(OVERRIDES, new JsonArray(new ArrayList<>(child.config().fieldNames())))
        .put(Supervision.OWNER, owner);
  }
}
