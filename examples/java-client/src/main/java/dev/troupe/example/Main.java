package dev.troupe.example;

import dev.troupe.shared.cluster.ClusterBootstrap;
import dev.troupe.shared.config.Settings;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.json.JsonObject;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins the Troupe cluster named by the {@code TROUPE_CLUSTER_*} settings (environment, or the YAML
 * file of {@code TROUPE_CONFIG}) as a member of its own, and runs {@link ChangeCounterVerticle}
 * with its HTTP port from {@code EXAMPLE_HTTP_PORT} (default 8090).
 */
public final class Main {
  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    Settings settings = Settings.load(System.getenv());
    int port = Integer.parseInt(System.getenv().getOrDefault("EXAMPLE_HTTP_PORT", "8090"));
    ClusterBootstrap.start(settings)
        .compose(
            node ->
                node.vertx()
                    .deployVerticle(
                        new ChangeCounterVerticle(),
                        new DeploymentOptions().setConfig(new JsonObject().put("port", port))))
        .onSuccess(id -> LOG.info("change counter on http://127.0.0.1:{}/counts", port))
        .onFailure(
            failure -> {
              LOG.error("could not join the Troupe cluster", failure);
              System.exit(1);
            });
  }
}
