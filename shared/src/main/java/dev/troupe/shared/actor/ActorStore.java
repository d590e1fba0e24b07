package dev.troupe.shared.actor;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.DbContract;
import dev.troupe.shared.contract.Lookup;
import dev.troupe.shared.contract.Precondition;
import dev.troupe.shared.contract.PutDoc;
import dev.troupe.shared.contract.Wire;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;

/**
 * Actor state in db-service, one document per actor in collection {@code actor-<type>}. Every write is
 * conditional on the version read or last written ({@code If-Match}, or {@code If-None-Match: *} for
 * the first), so a state write from an activation that missed a newer write fails with
 * PRECONDITION_FAILED instead of overwriting it.
 */
final class ActorStore {
  /** A state document as read: its data (null when never written) and version ({@code 0}: absent). */
  record Loaded(JsonObject data, long version) {}

  private final Bus bus;

  ActorStore(Bus bus) {
    this.bus = bus;
  }

  Future<Loaded> load(ActorId id) {
    return bus.request(DbContract.ADDRESS, DbContract.GET, Wire.toJson(id.stateKey()), null)
        .map(Wire::lookup)
        .map(ActorStore::loaded);
  }

  private static Loaded loaded(Lookup lookup) {
    return lookup.exists() ? new Loaded(lookup.document().data(), lookup.version()) : new Loaded(null, 0);
  }

  /**
   * Writes (a copy of: the body is handed over to the bus) {@code state} over {@code version} ({@code 0}: not stored); completes with the new
   * version once db-service committed it.
   */
  Future<Long> save(ActorId id, JsonObject state, long version) {
    Precondition precondition = version == 0 ? Precondition.ifNoneMatchAny() : Precondition.ifMatch(version);
    return bus.request(DbContract.ADDRESS, DbContract.PUT,
            Wire.toJson(new PutDoc(id.stateKey(), state.copy(), precondition)), null)
        .map(reply -> Wire.putResult(reply).document().version());
  }
}
