package dev.troupe.shared.contract;

import com.fasterxml.jackson.databind.DeserializationFeature;
import io.vertx.core.json.Json;
import io.vertx.core.json.jackson.DatabindCodec;

/**
 * Makes JSON numbers round-trip exactly through Troupe. Vert.x would read every fraction as a
 * {@code double}, so {@code 0.1000000000000000055511151231257827} came back as {@code 0.1} and
 * {@code 1e400} as the string {@code "Infinity"}; read as {@link java.math.BigDecimal} they keep
 * every digit, on every hop of the bus and in the database. Integers stay {@code Integer}/{@code
 * Long} ({@code BigInteger} past that). JVM-wide and idempotent: every node applies it at start.
 */
public final class JsonNumbers {
  private JsonNumbers() {}

  public static void exact() {
    if (!(Json.CODEC instanceof DatabindCodec)) {
      throw new IllegalStateException(
          "jackson-databind must be on the classpath for exact JSON numbers");
    }
    DatabindCodec.mapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  }
}
