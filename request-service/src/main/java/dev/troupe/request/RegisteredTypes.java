package dev.troupe.request;

import dev.troupe.shared.bus.Bus;
import dev.troupe.shared.contract.JobInput;
import dev.troupe.shared.contract.JobTypeContract;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.Future;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;

/**
 * The user job types the cluster knows: those whose address some node consumes ({@link
 * JobTypeContract}). The job manager asks before it creates a job, so a job of a type nobody
 * registered, or with an input its type does not take, is refused at submit time instead of waiting
 * for a handler that never comes.
 */
final class RegisteredTypes {
  private final Bus bus;

  RegisteredTypes(Bus bus) {
    this.bus = bus;
  }

  /**
   * Completes when a node registered {@code type} and takes {@code input}; fails with BAD_REQUEST
   * otherwise, or with the bus's failure when the registered node does not answer.
   */
  Future<Void> require(String type, JobInput input, String requestId) {
    return bus.call(JobTypeContract.describeOn(type), null, requestId)
        .recover(
            failure ->
                Future.failedFuture(
                    failure instanceof ReplyException re
                            && re.failureType() == ReplyFailure.NO_HANDLERS
                        ? TroupeException.badRequest(
                            "no service registered the job type "
                                + type
                                + " (built-in types: import, export, warmup)")
                        : failure))
        .compose(
            info ->
                info.inputs().contains(input)
                    ? Future.<Void>succeededFuture()
                    : Future.failedFuture(
                        TroupeException.badRequest(
                            "job type "
                                + type
                                + " reads "
                                + String.join(
                                    " or ", info.inputs().stream().map(JobInput::wire).toList())
                                + ", not "
                                + input.wire())));
  }
}
