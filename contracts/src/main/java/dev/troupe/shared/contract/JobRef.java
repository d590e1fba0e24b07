package dev.troupe.shared.contract;

/** A job by its id: the body of {@code get} and {@code cancel}. */
public record JobRef(String id) {
  public JobRef {
    JobsContract.requireJobId(id);
  }
}
