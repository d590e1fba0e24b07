package dev.troupe.shared.contract;

import static dev.troupe.shared.contract.JsonFields.longValue;
import static dev.troupe.shared.contract.JsonFields.string;

import dev.troupe.shared.bus.Codec;
import io.vertx.core.json.JsonObject;

/** The codecs of committed changes: the change events and the catch-up query of db-service. */
public final class ChangeWire {
  static {
    StrictJson.install();
  }

  public static final Codec<DocChange> DOC_CHANGE =
      Codec.of(ChangeWire::toJson, ChangeWire::docChange);
  public static final Codec<ChangesQuery> CHANGES_QUERY =
      Codec.of(ChangeWire::toJson, ChangeWire::changesQuery);

  private ChangeWire() {}

  /**
   * The body of a change event on {@link DocEvents#ADDRESS}, at position {@code seq} of the log.
   */
  public static JsonObject changeEvent(String op, DocKey key, long version, long seq) {
    return DocWire.toJson(key).put("op", op).put("version", version).put("seq", seq);
  }

  public static JsonObject toJson(DocChange change) {
    return changeEvent(change.op(), change.key(), change.version(), change.seq());
  }

  /** {@code seq} is optional (0 when absent): nodes built before issue 21 do not send it. */
  public static DocChange docChange(JsonObject json) {
    return new DocChange(
        string(json, "op"),
        DocWire.docKey(json),
        longValue(json, "version"),
        longValue(json, "seq", 0));
  }

  /** {@code {"since":seq,"limit":n}}. */
  public static JsonObject toJson(ChangesQuery query) {
    return new JsonObject().put("since", query.since()).put("limit", query.limit());
  }

  /**
   * Both fields are optional: {@code since} 0, {@code limit} {@link ChangesQuery#DEFAULT_LIMIT}.
   */
  public static ChangesQuery changesQuery(JsonObject json) {
    return new ChangesQuery(
        JsonFields.longValue(json, "since", 0),
        JsonFields.intValue(json, "limit", ChangesQuery.DEFAULT_LIMIT));
  }
}
