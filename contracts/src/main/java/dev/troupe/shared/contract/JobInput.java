package dev.troupe.shared.contract;

/**
 * What a job reads: an NDJSON body uploaded with it, stored as chunks of lines before it is queued
 * (import), or the documents of its collection, page by page (export, warmup). A user job type
 * takes either, as it registered ({@link JobTypeInfo#inputs}).
 */
public enum JobInput {
  NDJSON("ndjson"),
  COLLECTION("collection");

  private final String wire;

  JobInput(String wire) {
    this.wire = wire;
  }

  /** The name on the wire and in the HTTP API's {@code input} parameter. */
  public String wire() {
    return wire;
  }

  /** Fails with {@link ErrorCode#BAD_REQUEST} unless {@code wire} names an input. */
  public static JobInput ofWire(String wire) {
    for (JobInput input : values()) {
      if (input.wire.equals(wire)) {
        return input;
      }
    }
    throw TroupeException.badRequest("input must be ndjson or collection, got " + wire);
  }

  /**
   * The input of a job of {@code type} when none is asked for: an import reads NDJSON, every other
   * type a collection.
   */
  public static JobInput defaultFor(String type) {
    return JobsContract.IMPORT.equals(type) ? NDJSON : COLLECTION;
  }
}
