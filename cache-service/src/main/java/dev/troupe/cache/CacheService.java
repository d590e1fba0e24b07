package dev.troupe.cache;

import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;

/**
 * cache-service: the document cache ({@link CacheVerticle}) and the cluster-wide rate-limit buckets
 * ({@link RateLimitVerticle}), the two owners of Troupe's Hazelcast maps. Deploy it by name ({@code
 * dev.troupe.cache.CacheService}).
 */
public final class CacheService extends VerticleBase {
  @Override
  public Future<?> start() {
    DeploymentOptions options = new DeploymentOptions().setConfig(config());
    return vertx
        .deployVerticle(CacheVerticle.class.getName(), options)
        .compose(
            id ->
                vertx.deployVerticle(
                    RateLimitVerticle.class.getName(), new DeploymentOptions(options)));
  }
}
