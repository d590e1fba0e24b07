package dev.troupe.shared.contract;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.DatabindCodec;
import java.io.IOException;

/**
 * The one JSON reader of Troupe: RFC 8259 and nothing else, wherever JSON enters (HTTP bodies, job
 * import lines, bridge frames, event-bus messages).
 *
 * <p>Vert.x builds one Jackson {@link JsonFactory} for every codec ({@code JsonObject(String)},
 * {@code Buffer.toJsonObject()}, the TCP and SockJS bridges, the event bus) and switches comments
 * on in it. {@link #install()} switches them off again, with every other non-standard read feature
 * (single quotes, unquoted names, trailing commas, missing values, {@code NaN}/{@code Infinity},
 * leading zeros or {@code +}, unescaped control characters, backslash before any character), and
 * turns on duplicate detection: <b>an object naming one member twice is refused</b>, because
 * readers disagree on which of the two counts. JVM-wide and idempotent; every node applies it at
 * start.
 *
 * <p>Bytes are also checked to be well-formed UTF-8 ({@link Utf8}) before they are parsed, since a
 * {@code String} made of them would already hold U+FFFD in place of what was sent, and must not
 * start with a byte order mark (RFC 8259 forbids sending one; Troupe does not skip it).
 */
public final class StrictJson {
  static {
    install();
  }

  private StrictJson() {}

  /** Makes Vert.x's shared JSON reader strict (and its numbers exact, {@link JsonNumbers}). */
  public static synchronized void install() {
    JsonNumbers.exact();
    ObjectMapper mapper = DatabindCodec.mapper();
    // The mapper's parser features are its factory's, the factory JacksonCodec uses too.
    JsonFactory factory = mapper.getFactory();
    for (JsonReadFeature feature : JsonReadFeature.values()) {
      factory.configure(feature.mappedFeature(), false);
    }
    factory.configure(JsonParser.Feature.STRICT_DUPLICATE_DETECTION, true);
    mapper.enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
  }

  /**
   * Reads one JSON value (object, array, string, number, boolean or {@code null}) from bytes.
   *
   * @throws DecodeException naming what is wrong: bytes that are not UTF-8, or text that is not RFC
   *     8259 JSON
   */
  public static Object value(Buffer bytes) {
    requireUtf8(bytes);
    refuseByteOrderMark(bytes, 0, bytes.length());
    try {
      return Json.CODEC.fromBuffer(bytes, Object.class);
    } catch (DecodeException e) {
      throw new DecodeException(reason(e), e);
    }
  }

  /**
   * Reads one JSON object from bytes.
   *
   * @throws DecodeException when the bytes are not UTF-8, not RFC 8259 JSON, or not an object
   */
  public static JsonObject object(Buffer bytes) {
    if (value(bytes) instanceof JsonObject object) {
      return object;
    }
    throw new DecodeException("not a JSON object");
  }

  /**
   * Checks, without building it, that {@code bytes[from, to)} hold exactly one JSON object: for
   * input read in bulk (import lines) that is decoded again further down the pipeline.
   *
   * @throws DecodeException naming what is wrong
   */
  public static void checkObject(Buffer bytes, int from, int to) {
    if (!Utf8.isValid(bytes, from, to)) {
      throw new DecodeException("not valid UTF-8");
    }
    refuseByteOrderMark(bytes, from, to);
    byte[] raw = bytes.getBytes(from, to);
    try (JsonParser parser = DatabindCodec.mapper().getFactory().createParser(raw)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        throw new DecodeException("not a JSON object");
      }
      parser.skipChildren();
      if (parser.nextToken() != null) {
        throw new DecodeException("not valid JSON: more than one value");
      }
    } catch (JsonProcessingException e) {
      throw new DecodeException(reason(e), e);
    } catch (IOException e) {
      throw new DecodeException("not valid JSON", e);
    }
  }

  /**
   * @throws DecodeException when {@code bytes} are not well-formed UTF-8
   */
  public static void requireUtf8(Buffer bytes) {
    if (!Utf8.isValid(bytes)) {
      throw new DecodeException("not valid UTF-8");
    }
  }

  /**
   * RFC 8259 lets a reader ignore a leading byte order mark, and Jackson does; Troupe refuses it,
   * so that the bytes that are stored or signed are the bytes that were sent, and readers agree.
   */
  private static void refuseByteOrderMark(Buffer bytes, int from, int to) {
    if (to - from >= 3
        && bytes.getByte(from) == (byte) 0xEF
        && bytes.getByte(from + 1) == (byte) 0xBB
        && bytes.getByte(from + 2) == (byte) 0xBF) {
      throw new DecodeException("not valid JSON: it starts with a byte order mark");
    }
  }

  /** Jackson's reason without its echo of the input: short, and nothing of the sender's bytes. */
  private static String reason(DecodeException e) {
    return e.getCause() instanceof JsonProcessingException jpe ? reason(jpe) : "not valid JSON";
  }

  private static String reason(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      return "not valid JSON";
    }
    // Jackson's wording names its own switches ("Feature 'ALLOW_COMMENTS' not enabled"): cut it
    // there.
    int cut = message.indexOf(" (");
    String why = cut > 0 ? message.substring(0, cut) : message;
    if (why.length() > 160) {
      why = why.substring(0, 160);
    }
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return "not valid JSON" + where + ": " + why;
  }
}
