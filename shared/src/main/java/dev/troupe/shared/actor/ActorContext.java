package dev.troupe.shared.actor;

import io.vertx.core.Vertx;

/**
 * What a handler may use besides its state: its own identity, the Vert.x it runs on, a client to
 * message other actors, and the stored version of its state.
 */
public final class ActorContext {
  private final ActorId self;
  private final Vertx vertx;
  private final Actors actors;
  private final long version;

  ActorContext(ActorId self, Vertx vertx, Actors actors, long version) {
    this.self = self;
    this.vertx = vertx;
    this.actors = actors;
    this.version = version;
  }

  public ActorId self() {
    return self;
  }

  public Vertx vertx() {
    return vertx;
  }

  /**
   * A client for messaging other actors. Never {@code ask} this actor itself from its handler and
   * wait for the answer: the reply would queue behind the handler that waits for it.
   */
  public Actors actors() {
    return actors;
  }

  /** The version of the stored state this handler sees ({@code 0}: never stored). */
  public long version() {
    return version;
  }
}
