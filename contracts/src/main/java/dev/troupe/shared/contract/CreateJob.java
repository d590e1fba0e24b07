package dev.troupe.shared.contract;

/**
 * A new job, as the gateway asks the job manager ({@link JobsContract#CREATE}).
 *
 * @param type {@code import}, {@code export}, {@code warmup} or a user type's name
 * @param collection the collection it reads or writes
 * @param input what it reads: an uploaded NDJSON body or its collection; a built-in type takes only
 *     its own ({@link JobInput#defaultFor})
 */
public record CreateJob(String type, String collection, JobInput input) {
  public CreateJob {
    JobsContract.requireType(type);
    DocKey.requireCollection(collection);
    if (input == null) {
      input = JobInput.defaultFor(type);
    }
    if (JobsContract.isBuiltIn(type) && input != JobInput.defaultFor(type)) {
      throw TroupeException.badRequest(
          "a job of type " + type + " reads " + JobInput.defaultFor(type).wire() + " input only");
    }
  }

  /** A job with its type's default input. */
  public CreateJob(String type, String collection) {
    this(type, collection, null);
  }
}
