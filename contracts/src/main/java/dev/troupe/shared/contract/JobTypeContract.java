package dev.troupe.shared.contract;

import dev.troupe.shared.bus.Action;
import java.util.List;

/**
 * User job types: a service that registers a type ({@code dev.troupe.shared.jobs.JobTypes} in
 * {@code troupe-shared}) consumes {@code troupe.jobs.type.v1.<type>} on every node that has the
 * type's handler. The consumers are the registry: the job manager asks the type's address before it
 * creates a job, and a type nobody consumes is a BAD_REQUEST, so no job waits for a handler that
 * does not exist. A node that leaves takes its consumers with it.
 *
 * <table>
 *   <caption>Actions</caption>
 *   <tr><th>action</th><th>body</th><th>reply</th></tr>
 *   <tr><td>{@code describe}</td><td>{@code {}}</td><td>{@code {"type","inputs":["ndjson"|"collection"]}}</td></tr>
 *   <tr><td>{@code ping}</td><td>anything</td><td>{@code {"service":"job-type"}}</td></tr>
 * </table>
 *
 * <p>The chunks of a user type's jobs are claimed from the job store ({@link
 * JobStoreContract#CLAIM} naming the type) by the handlers' own workers, and never by a node
 * without the handler.
 */
public final class JobTypeContract {
  /** Prefix of the per-type addresses. */
  public static final String ADDRESS_PREFIX = "troupe.jobs.type.v1.";

  /**
   * What a registered type's jobs may read, as declared on the documented channel {@code
   * troupe.jobs.type.v1.{type}}; sent to one type's address with {@link #describeOn}.
   */
  public static final Action<Void, JobTypeInfo> DESCRIBE =
      Action.idempotent(
          ADDRESS_PREFIX + "{type}",
          "describe",
          JobWire.EMPTY,
          JobWire.JOB_TYPE_INFO,
          "the type's name and the inputs its jobs may read");

  /** Every action of the per-type addresses (ping answers on each as well). */
  public static final List<Action<?, ?>> ACTIONS = List.of(DESCRIBE);

  private JobTypeContract() {}

  /** The address the handlers of user type {@code type} consume. */
  public static String address(String type) {
    return ADDRESS_PREFIX + JobsContract.requireUserType(type);
  }

  /** {@link #DESCRIBE} addressed to the handlers of {@code type}. */
  public static Action<Void, JobTypeInfo> describeOn(String type) {
    return Action.idempotent(
        address(type), DESCRIBE.name(), DESCRIBE.request(), DESCRIBE.reply(), DESCRIBE.summary());
  }
}
