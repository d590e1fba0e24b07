package dev.troupe.shared.contract;

/**
 * Fail the imports still receiving that stored no lines for {@code idleMs}.
 *
 * @param idleMs how long an upload may stay silent
 */
public record ExpireUploads(long idleMs) {
  public ExpireUploads {
    JobsContract.requireRange("idleMs", idleMs, 1, Long.MAX_VALUE);
  }
}
