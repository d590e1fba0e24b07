package dev.troupe.db;

/**
 * Where a chunk of a job stands in the work queue, and where it may go from there. The names are
 * those of the {@code state} column of {@code troupe_job_chunks}.
 *
 * <pre>
 *   pending ──claim──► claimed ──complete──► done
 *      ▲                 │  ▲
 *      └────release──────┘  └── claim after its lease expired (another owner)
 * </pre>
 */
enum ChunkState {
  /** Waiting for a worker. */
  PENDING("pending"),
  /** A worker holds it until its lease runs out. */
  CLAIMED("claimed"),
  /** Its outcome is recorded; its payload is gone. */
  DONE("done");

  private final String column;

  ChunkState(String column) {
    this.column = column;
  }

  /** The state's name in the {@code state} column. */
  String column() {
    return column;
  }

  /** The name as a literal to compose into a statement. */
  String sql() {
    return Sql.literal(column);
  }

  /**
   * Whether a chunk in this state may move to {@code next}: a claimed chunk whose lease expired may
   * be claimed again, by another worker.
   */
  boolean canBecome(ChunkState next) {
    return switch (this) {
      case PENDING -> next == CLAIMED;
      case CLAIMED -> next == CLAIMED || next == PENDING || next == DONE;
      case DONE -> false;
    };
  }
}
