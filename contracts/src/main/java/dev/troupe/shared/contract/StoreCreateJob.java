package dev.troupe.shared.contract;

/**
 * A new job with the id the job manager chose ({@link JobStoreContract#CREATE}).
 *
 * @param id the job's id
 * @param type {@code import}, {@code export}, {@code warmup} or a user type's name
 * @param collection the collection it reads or writes
 * @param queued queue it at once with one page chunk (a job over a collection); otherwise it
 *     receives its lines (a job reading NDJSON)
 */
public record StoreCreateJob(String id, String type, String collection, boolean queued) {
  public StoreCreateJob {
    JobsContract.requireJobId(id);
    JobsContract.requireType(type);
    DocKey.requireCollection(collection);
  }
}
