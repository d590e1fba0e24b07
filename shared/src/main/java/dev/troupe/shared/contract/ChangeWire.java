package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Codec;

/** The codecs of committed changes: the change events and the catch-up query of db-service. */
public final class ChangeWire {
  public static final Codec<DocChange> DOC_CHANGE = Codec.of(Wire::toJson, Wire::docChange);
  public static final Codec<ChangesQuery> CHANGES_QUERY =
      Codec.of(Wire::toJson, Wire::changesQuery);

  private ChangeWire() {}
}
