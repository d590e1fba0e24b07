package dev.troupe.shared.bus;

import io.vertx.core.json.JsonObject;
import java.util.Objects;
import java.util.function.Function;

/**
 * How a value of one contract type travels as a message body: encoded to a JSON object by the
 * sender, decoded strictly by the receiver (a malformed body is a {@link
 * dev.troupe.shared.contract.ErrorCode#BAD_REQUEST} naming the field). Every request and reply type
 * of an {@link Action} has one.
 *
 * @param <T> the contract type
 */
public interface Codec<T> {
  /** The body for {@code value}; built for one message and handed over ({@link HandedOverJson}). */
  JsonObject encode(T value);

  /** The value of a received body, which this never modifies. */
  T decode(JsonObject json);

  /** A codec from its two halves, usually method references into a contract family's wire class. */
  static <T> Codec<T> of(Function<? super T, JsonObject> encode, Function<JsonObject, T> decode) {
    Objects.requireNonNull(encode);
    Objects.requireNonNull(decode);
    return new Codec<>() {
      @Override
      public JsonObject encode(T value) {
        return encode.apply(value);
      }

      @Override
      public T decode(JsonObject json) {
        return decode.apply(json);
      }
    };
  }

  /**
   * Bodies passed through as they are: for actions whose body is free-form (a ping, statistics), or
   * that a bridge forwards to a handler of another language.
   */
  static Codec<JsonObject> json() {
    return JsonCodec.INSTANCE;
  }

  /** The identity codec; a class so that its one instance is shared. */
  final class JsonCodec implements Codec<JsonObject> {
    static final JsonCodec INSTANCE = new JsonCodec();

    private JsonCodec() {}

    @Override
    public JsonObject encode(JsonObject value) {
      return value;
    }

    @Override
    public JsonObject decode(JsonObject json) {
      return json;
    }
  }
}
