package dev.troupe.shared.contract;

/**
 * The answer to a claim.
 *
 * @param chunk the chunk claimed, or null when none is waiting
 */
public record ClaimedChunk(JobChunk chunk) {
  public static final ClaimedChunk NONE = new ClaimedChunk(null);
}
