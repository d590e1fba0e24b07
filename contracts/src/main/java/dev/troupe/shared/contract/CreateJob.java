package dev.troupe.shared.contract;

/**
 * A new job, as the gateway asks the job manager ({@link JobsContract#CREATE}).
 *
 * @param type {@code import}, {@code export} or {@code warmup}
 * @param collection the collection it reads or writes
 */
public record CreateJob(String type, String collection) {
  public CreateJob {
    JobsContract.requireType(type);
    DocKey.requireCollection(collection);
  }
}
