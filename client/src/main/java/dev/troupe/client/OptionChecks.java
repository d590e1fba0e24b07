package dev.troupe.client;

import dev.troupe.client.ClientOptions.Transport;
import java.time.Duration;

/** The checks {@link ClientOptions.Builder#build()} makes, each naming the setting it refuses. */
final class OptionChecks {
  private OptionChecks() {}

  /** Refuses a setting given for a transport it does not apply to. */
  static void refuseFor(Transport transport, String name, Object value) {
    if (value != null) {
      throw new IllegalArgumentException(
          name
              + " does not apply to "
              + switch (transport) {
                case CLUSTER -> "a cluster client";
                case BRIDGE -> "a bridge client";
                case EVENT_BUS ->
                    "a client on the caller's event bus (name cluster(...) or bridge(...))";
              });
    }
  }

  static void portRange(String name, Integer port, int min) {
    if (port != null && (port < min || port > 65535)) {
      throw new IllegalArgumentException(name + " must be " + min + " to 65535, got " + port);
    }
  }

  static void atLeast(String name, Duration value, Duration min) {
    if (value.compareTo(min) < 0) {
      throw new IllegalArgumentException(
          name + " must be at least " + min.toMillis() + " ms, got " + value.toMillis() + " ms");
    }
  }

  /** {@link #atLeast} for a setting that may be left out (null). */
  static void atLeastIfSet(String name, Duration value, Duration min) {
    if (value != null) {
      atLeast(name, value, min);
    }
  }

  static void hostAndPort(String name, String value) {
    int colon = value == null ? -1 : value.lastIndexOf(':');
    if (colon <= 0 || value.isBlank()) {
      throw new IllegalArgumentException(name + " must be host:port, got '" + value + "'");
    }
    try {
      int port = Integer.parseInt(value.substring(colon + 1));
      if (port < 1 || port > 65535) {
        throw new IllegalArgumentException(
            name + " must be host:port with a port from 1 to 65535, got '" + value + "'");
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + " must be host:port, got '" + value + "'", e);
    }
  }
}
