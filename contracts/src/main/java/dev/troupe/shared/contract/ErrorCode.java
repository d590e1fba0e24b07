package dev.troupe.shared.contract;

import java.util.Arrays;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every failure a Troupe service can reply with. The numeric {@link #code()} travels as the {@code
 * failureCode} of a {@link io.vertx.core.eventbus.ReplyException}; the gateway maps each code to
 * exactly one HTTP status. Codes are part of the wire contract: never renumber, only add.
 */
public enum ErrorCode {
  /** The request is malformed: bad name, bad body, bad parameter. */
  BAD_REQUEST(4000),
  /**
   * The caller may not do this: valid credentials without the scope the operation needs, or not a
   * member of the chat room it reads or posts in.
   */
  FORBIDDEN(4030),
  /**
   * The addressed actor is not served by the node asked (its key belongs to another node, or it is
   * moving); nothing was done, and sending again to the key's current owner is safe. The actor
   * client re-sends on it, so callers of actors do not see it.
   */
  MOVED(4210),
  /** The document (or other resource) does not exist. */
  NOT_FOUND(4040),
  /** A precondition ({@code If-Match}, {@code If-None-Match}) does not hold. */
  PRECONDITION_FAILED(4120),
  /**
   * What was asked for existed and is gone for good: a change feed resumed from a position that
   * retention removed from the change log ({@link ChangeLogGone} names the earliest it holds).
   */
  GONE(4100),
  /** The body is larger than the configured limit. */
  PAYLOAD_TOO_LARGE(4130),
  /** No credentials, or credentials that are not valid (a bridged connection's first frame). */
  UNAUTHORIZED(4010),
  /** The caller sends faster than its limit allows; retrying later may work. */
  TOO_MANY_REQUESTS(4290),
  /** The write conflicts with the stored state in a way no precondition expressed. */
  CONFLICT(4090),
  /** A downstream service or the database cannot take the request now; retrying later may work. */
  UNAVAILABLE(5030),
  /**
   * Shed for load, not a fault: the service (or one of its bulkheads, or the database's write
   * queue) was at its limit and refused the request at once, before doing any of it. Retrying later
   * may work (the gateway answers 503 with {@code Retry-After}). It says the service is busy and
   * answering, so circuit breakers never count it. A receiver older than this code reads it as
   * {@link #INTERNAL}.
   */
  OVERLOADED(5031),
  /** A downstream service or the database did not answer within its deadline. */
  TIMEOUT(5040),
  /** A bug or an unexpected fault; the detail is logged, never sent to clients. */
  INTERNAL(5000);

  private static final Map<Integer, ErrorCode> BY_CODE =
      Arrays.stream(values())
          .collect(Collectors.toUnmodifiableMap(ErrorCode::code, Function.identity()));

  private final int code;

  ErrorCode(int code) {
    this.code = code;
  }

  /** The number carried as the reply failure code on the event bus. */
  public int code() {
    return code;
  }

  /**
   * The error for a reply failure code; unknown codes (a newer sender) count as {@link #INTERNAL}.
   */
  public static ErrorCode fromCode(int code) {
    return BY_CODE.getOrDefault(code, INTERNAL);
  }
}
