package dev.troupe.shared.bus;

import static org.assertj.core.api.Assertions.assertThat;

import dev.troupe.shared.contract.ErrorCode;
import dev.troupe.shared.contract.TroupeException;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.DecodeException;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@DisplayName("Failures")
class FailuresTest {

  @ParameterizedTest(name = "{0}")
  @EnumSource(ErrorCode.class)
  @DisplayName("a TroupeException keeps its code and its message")
  void troupeException(ErrorCode code) {
    TroupeException e = new TroupeException(code, "users/alice: something specific");

    assertThat(Failures.code(e)).isEqualTo(code);
    assertThat(Failures.message(e)).isEqualTo("users/alice: something specific");
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(ErrorCode.class)
  @DisplayName("a RECIPIENT_FAILURE reply keeps the sender's code and message")
  void recipientFailure(ErrorCode code) {
    ReplyException e =
        new ReplyException(ReplyFailure.RECIPIENT_FAILURE, code.code(), "from the service");

    assertThat(Failures.code(e)).isEqualTo(code);
    assertThat(Failures.message(e)).isEqualTo("from the service");
  }

  @Test
  @DisplayName("a RECIPIENT_FAILURE with a code Troupe does not know counts as INTERNAL")
  void recipientFailureUnknownCode() {
    ReplyException e = new ReplyException(ReplyFailure.RECIPIENT_FAILURE, 42, "odd");

    assertThat(Failures.code(e)).isEqualTo(ErrorCode.INTERNAL);
  }

  @Test
  @DisplayName("a reply TIMEOUT becomes TIMEOUT with a generic message")
  void timeout() {
    ReplyException e =
        new ReplyException(
            ReplyFailure.TIMEOUT,
            "Timed out after waiting 100(ms) for a reply. address: troupe.db.v1");

    assertThat(Failures.code(e)).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(Failures.message(e)).isEqualTo("a downstream service did not answer in time");
  }

  @Test
  @DisplayName("NO_HANDLERS becomes UNAVAILABLE without naming the address")
  void noHandlers() {
    ReplyException e =
        new ReplyException(ReplyFailure.NO_HANDLERS, "No handlers for address troupe.db.v1");

    assertThat(Failures.code(e)).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Failures.message(e)).isEqualTo("a downstream service is not available");
  }

  @Test
  @DisplayName("a transport ERROR becomes UNAVAILABLE")
  void transportError() {
    ReplyException e = new ReplyException(ReplyFailure.ERROR, "connection reset");

    assertThat(Failures.code(e)).isEqualTo(ErrorCode.UNAVAILABLE);
    assertThat(Failures.message(e)).doesNotContain("connection reset");
  }

  @Test
  @DisplayName(
      "a DecodeException becomes BAD_REQUEST with a generic message, not the parser's text")
  void decodeException() {
    DecodeException e =
        new DecodeException("Failed to decode: Unexpected character ('}' at line 1)");

    assertThat(Failures.code(e)).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(Failures.message(e)).isEqualTo("malformed JSON");
  }

  @Test
  @DisplayName("a ClassCastException (a field of the wrong type) becomes BAD_REQUEST")
  void classCast() {
    ClassCastException e =
        new ClassCastException("class java.lang.String cannot be cast to class JsonObject");

    assertThat(Failures.code(e)).isEqualTo(ErrorCode.BAD_REQUEST);
    assertThat(Failures.message(e)).isEqualTo("a field has the wrong type");
  }

  @Test
  @DisplayName(
      "any other exception is INTERNAL with the message \"internal error\", never its own text")
  void otherException() {
    RuntimeException e = new IllegalStateException("password=hunter2 at jdbc:postgresql://db/prod");

    assertThat(Failures.code(e)).isEqualTo(ErrorCode.INTERNAL);
    assertThat(Failures.message(e)).isEqualTo("internal error");
  }

  @Test
  @DisplayName("normalise returns a TroupeException as it is")
  void normaliseKeepsTroupeException() {
    TroupeException e = TroupeException.notFound("gone");

    assertThat(Failures.normalise(e)).isSameAs(e);
  }

  @Test
  @DisplayName("normalise wraps other failures with their code, safe message and the cause")
  void normaliseWraps() {
    RuntimeException cause = new RuntimeException("secret detail");
    ReplyException timeout = new ReplyException(ReplyFailure.TIMEOUT, "late");

    TroupeException internal = Failures.normalise(cause);
    TroupeException late = Failures.normalise(timeout);

    assertThat(internal.code()).isEqualTo(ErrorCode.INTERNAL);
    assertThat(internal.getMessage()).isEqualTo("internal error");
    assertThat(internal.getCause()).isSameAs(cause);
    assertThat(late.code()).isEqualTo(ErrorCode.TIMEOUT);
    assertThat(late.getCause()).isSameAs(timeout);
  }
}
