package dev.troupe.shared.contract;

/**
 * A part of an export's NDJSON.
 *
 * @param payload NDJSON, one document a line; empty when the part holds none
 * @param next the next part, or null after the last
 */
public record JobResultPart(String payload, Integer next) {
  public JobResultPart {
    payload = payload == null ? "" : payload;
  }
}
