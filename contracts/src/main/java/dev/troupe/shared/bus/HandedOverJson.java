package dev.troupe.shared.bus;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageCodec;
import io.vertx.core.json.JsonObject;

/**
 * The event-bus codec of Troupe's request and reply bodies: JSON objects that the sender hands over
 * and never touches again, and that receivers only read.
 *
 * <p>Vert.x's own JSON codec deep-copies a body for every delivery to a consumer of the same node
 * ({@link MessageCodec#transform}), the price of letting either side modify its copy. Troupe builds
 * each body with a family wire class ({@code DocWire}, {@code JobWire}, ...) for one message and
 * reads what it receives through one without modifying it, so the copy buys nothing: this codec
 * hands the same instance over. Between nodes the bytes are exactly those of Vert.x's {@code
 * jsonobject} codec (a length, then the UTF-8 JSON), so the wire format is still plain JSON.
 *
 * <p>Rules that come with it: a body sent with {@link #options()} (a request or a reply) is never
 * modified after the send, and a received body is never modified (copy it first). Every JVM of a
 * Troupe cluster registers this codec ({@code ClusterBootstrap} does on a node, {@code Bus} makes
 * sure for its Vert.x, and so does the JVM client): a member without it cannot decode such a
 * message. Bridged clients (TCP, SockJS) are unaffected: a bridge reads the decoded JSON object.
 */
public final class HandedOverJson implements MessageCodec<JsonObject, JsonObject> {
  /** The codec name on the wire; versioned like an address, since every node must know it. */
  public static final String NAME = "troupe.json.v1";

  static final HandedOverJson INSTANCE = new HandedOverJson();

  private HandedOverJson() {}

  /** Delivery options that send a body with this codec; extend a copy to add headers. */
  public static DeliveryOptions options() {
    return new DeliveryOptions().setCodecName(NAME);
  }

  /** Registers the codec on {@code vertx}'s event bus, once; later calls do nothing. */
  public static void register(Vertx vertx) {
    try {
      vertx.eventBus().registerCodec(INSTANCE);
    } catch (IllegalStateException alreadyRegistered) {
      // Registered by an earlier Bus or by ClusterBootstrap: exactly what this method ensures.
    }
  }

  @Override
  public void encodeToWire(Buffer buffer, JsonObject json) {
    Buffer encoded = json.toBuffer();
    buffer.appendInt(encoded.length());
    buffer.appendBuffer(encoded);
  }

  @Override
  public JsonObject decodeFromWire(int pos, Buffer buffer) {
    int length = buffer.getInt(pos);
    int start = pos + 4;
    return new JsonObject(buffer.slice(start, start + length));
  }

  /** The same instance: the sender handed it over (see the class comment). */
  @Override
  public JsonObject transform(JsonObject json) {
    return json;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public byte systemCodecID() {
    return -1;
  }
}
