package dev.troupe.shared.config;

import java.util.Objects;

/**
 * Vert.x high availability: when a node dies (leaves without saying goodbye), a survivor of its HA
 * group redeploys the node's HA deployments, Troupe's service supervisors. A clean leave (SIGTERM)
 * moves nothing: the node meant to go.
 *
 * @param enabled deploy services with HA ({@code TROUPE_HA_ENABLED}, default true)
 * @param group nodes only take over the services of nodes of the same group ({@code
 *     TROUPE_HA_GROUP}, default {@code troupe})
 * @param quorum nodes of the group that must be present for HA services to run at all; below it a
 *     node undeploys its HA services until the quorum is back, so a minority side of a partition
 *     stops serving ({@code TROUPE_HA_QUORUM}, default 1: never)
 */
public record HaConfig(boolean enabled, String group, int quorum) {
  public HaConfig {
    Objects.requireNonNull(group, "group");
  }

  public static HaConfig from(Settings s) {
    return new HaConfig(
        s.bool("TROUPE_HA_ENABLED", true),
        s.string("TROUPE_HA_GROUP", "troupe"),
        s.integer("TROUPE_HA_QUORUM", 1, 1, 1000));
  }
}
