package dev.troupe.shared.contract;

/**
 * A new job with the id the job manager chose ({@link JobStoreContract#CREATE}).
 *
 * @param id the job's id
 * @param type {@code import}, {@code export} or {@code warmup}
 * @param collection the collection it reads or writes
 * @param queued queue it at once with one page chunk (export, warmup); otherwise it receives its
 *     lines (import)
 */
public record StoreCreateJob(String id, String type, String collection, boolean queued) {
  public StoreCreateJob {
    JobsContract.requireJobId(id);
    JobsContract.requireType(type);
    DocKey.requireCollection(collection);
  }
}
