package dev.troupe.shared.bus;

import dev.troupe.shared.contract.ErrorCode;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.eventbus.ReplyException;
import io.vertx.core.eventbus.ReplyFailure;
import io.vertx.core.json.JsonObject;
import java.util.Objects;

/**
 * A service's failure reply, structured: its {@link ErrorCode}, the pipeline stage that failed (or
 * null), a detail that is safe to show a client, and whether a new attempt may succeed. A service's
 * {@code ActionRouter} replies with it; a caller reads the members, never parses the message.
 *
 * <p>It is a {@link ReplyException} of type {@code RECIPIENT_FAILURE} whose {@code failureCode} is
 * the error code and whose message is the detail, so a receiver that does not know this class (a
 * bridged client in another language, an older node's plain codec) still reads code and detail.
 * Between nodes it travels with its own codec ({@value #CODEC}): the failure code, then a JSON
 * object {@code {"stage","detail"}}. Every JVM of a cluster registers the codec ({@link #register};
 * {@code Bus.registerCodecs} does on a node).
 */
public final class BusFault extends ReplyException {
  /** The codec name on the wire, versioned like an address. */
  public static final String CODEC = "troupe.fault.v1";

  private final ErrorCode code;
  private final String stage;

  public BusFault(ErrorCode code, String stage, String detail) {
    super(ReplyFailure.RECIPIENT_FAILURE, Objects.requireNonNull(code).code(), detail, false);
    this.code = code;
    this.stage = stage;
  }

  public ErrorCode code() {
    return code;
  }

  /** The stage that failed (a name of {@code dev.troupe.shared.metrics.Stages}), or null. */
  public String stage() {
    return stage;
  }

  /** The client-safe text. */
  public String detail() {
    return getMessage();
  }

  /**
   * Whether a new attempt may succeed: the service was unavailable, shed the call, or timed out.
   */
  public boolean retryable() {
    return code == ErrorCode.UNAVAILABLE
        || code == ErrorCode.OVERLOADED
        || code == ErrorCode.TIMEOUT;
  }

  /** The envelope as JSON, as bridges and logs show it. */
  public JsonObject toJson() {
    JsonObject json =
        new JsonObject()
            .put("code", code.code())
            .put("error", code.name())
            .put("detail", detail())
            .put("retryable", retryable());
    if (stage != null) {
      json.put("stage", stage);
    }
    return json;
  }

  @Override
  public String toString() {
    return "BusFault" + toJson().encode();
  }

  /** Registers the codec on {@code vertx} as the default for this class; later calls do nothing. */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerDefaultCodec(BusFault.class, WireCodec.INSTANCE);
    } catch (IllegalStateException alreadyRegistered) {
      // Registered before: exactly what this method ensures.
    }
  }

  /** The codec: the failure code, then {@code {"stage","detail"}}. */
  static final class WireCodec implements MessageCodec<BusFault, BusFault> {
    static final WireCodec INSTANCE = new WireCodec();

    private WireCodec() {}

    @Override
    public void encodeToWire(Buffer buffer, BusFault fault) {
      JsonObject members = new JsonObject().put("detail", fault.detail());
      if (fault.stage != null) {
        members.put("stage", fault.stage);
      }
      Buffer encoded = members.toBuffer();
      buffer.appendInt(fault.failureCode());
      buffer.appendInt(encoded.length());
      buffer.appendBuffer(encoded);
    }

    @Override
    public BusFault decodeFromWire(int pos, Buffer buffer) {
      int failureCode = buffer.getInt(pos);
      int length = buffer.getInt(pos + 4);
      JsonObject members = new JsonObject(buffer.slice(pos + 8, pos + 8 + length));
      return new BusFault(
          ErrorCode.fromCode(failureCode), members.getString("stage"), members.getString("detail"));
    }

    /** Immutable: the same instance. */
    @Override
    public BusFault transform(BusFault fault) {
      return fault;
    }

    @Override
    public String name() {
      return CODEC;
    }

    @Override
    public byte systemCodecID() {
      return -1;
    }
  }
}
