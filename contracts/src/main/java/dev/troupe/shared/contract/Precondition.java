package dev.troupe.shared.contract;

/**
 * A conditional write, from HTTP {@code If-Match} / {@code If-None-Match}. Checked by db-service in
 * the same transaction as the write, so two writers racing on one version cannot both succeed.
 *
 * @param ifMatchVersion when non-null, the write applies only if the stored version equals it
 * @param mustExist {@code If-Match: *}: the write applies only if the document exists
 * @param mustNotExist {@code If-None-Match: *}: the write applies only if the document does not
 *     exist
 */
public record Precondition(Long ifMatchVersion, boolean mustExist, boolean mustNotExist) {
  public static final Precondition NONE = new Precondition(null, false, false);

  public Precondition {
    if (ifMatchVersion != null && ifMatchVersion < 1) {
      throw TroupeException.badRequest("ifMatch must name a version >= 1, got " + ifMatchVersion);
    }
    if (mustNotExist && (mustExist || ifMatchVersion != null)) {
      throw TroupeException.badRequest("If-None-Match: * cannot be combined with If-Match");
    }
  }

  public static Precondition ifMatch(long version) {
    return new Precondition(version, false, false);
  }

  public static Precondition ifNoneMatchAny() {
    return new Precondition(null, false, true);
  }

  public boolean isNone() {
    return ifMatchVersion == null && !mustExist && !mustNotExist;
  }

  /**
   * Checks this precondition against the stored version ({@code 0} when absent) and fails with
   * {@link ErrorCode#PRECONDITION_FAILED} when it does not hold.
   */
  public void check(DocKey key, long storedVersion) {
    boolean exists = storedVersion > 0;
    if (mustNotExist && exists) {
      throw TroupeException.preconditionFailed(
          key + " already exists (version " + storedVersion + ")");
    }
    if (mustExist && !exists) {
      throw TroupeException.preconditionFailed(key + " does not exist");
    }
    if (ifMatchVersion != null && ifMatchVersion != storedVersion) {
      throw TroupeException.preconditionFailed(
          exists
              ? key + " is at version " + storedVersion + ", not " + ifMatchVersion
              : key + " does not exist");
    }
  }
}
