package dev.troupe.shared.jobs;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/** A job type registered on one node ({@link JobTypes#register}). */
public final class JobTypeRegistration {
  private final Vertx vertx;
  private final String type;
  private final String deployment;

  JobTypeRegistration(Vertx vertx, String type, String deployment) {
    this.vertx = vertx;
    this.type = type;
    this.deployment = deployment;
  }

  /** The registered type. */
  public String type() {
    return type;
  }

  /**
   * Stops this node's handler of the type: it no longer claims chunks, and no longer advertises the
   * type (once no node does, new jobs of the type are refused). A chunk in work is taken over by
   * another node once its lease expires.
   */
  public Future<Void> unregister() {
    return vertx.undeploy(deployment);
  }
}
