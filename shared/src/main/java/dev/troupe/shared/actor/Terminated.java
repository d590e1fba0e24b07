package dev.troupe.shared.actor;

import java.util.Objects;

/**
 * The notification a watcher gets ({@link ActorType#onTerminated}) once an actor it watches ({@link
 * ActorContext#watch}) has stopped, its own children included.
 *
 * @param actor the actor that stopped
 * @param reason why it stopped ({@link StopReason#NOT_LIVE}: it was not live when watched)
 */
public record Terminated(ActorId actor, StopReason reason) {
  public Terminated {
    Objects.requireNonNull(actor);
    Objects.requireNonNull(reason);
  }
}
