package dev.troupe.client;

import static dev.troupe.client.OptionChecks.atLeastIfSet;
import static dev.troupe.client.OptionChecks.portRange;
import static dev.troupe.client.OptionChecks.refuseFor;

import dev.troupe.client.ClientOptions.Transport;
import java.time.Duration;

/**
 * The settings of a bridge connection ({@link ClientOptions.Transport#BRIDGE}), with their
 * defaults; see the accessors of {@link ClientOptions} of the same names.
 */
record BridgeSettings(
    String host,
    int port,
    String credential,
    Duration pingInterval,
    Duration connectTimeout,
    int maxFrameBytes) {

  /** What the builder collected: null where nothing was set. */
  static final class Draft {
    String host;
    Integer port;
    String credential;
    Duration pingInterval;
    Duration connectTimeout;
    Integer maxFrameBytes;

    /** Whether {@code bridge(...)} named this transport. */
    boolean named() {
      return host != null || port != null;
    }

    /** Checks the settings of a bridge client. */
    void check() {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("bridge: the host must not be blank");
      }
      portRange("bridge: port", port, 1);
      if (credential != null) {
        String value = credential.substring(credential.indexOf(' ') + 1);
        if (value.isBlank() || !value.strip().equals(value) || value.indexOf(' ') >= 0) {
          throw new IllegalArgumentException(
              "apiKey/bearerToken: the credential must be one word without spaces");
        }
      }
      atLeastIfSet("pingInterval", pingInterval, Duration.ofSeconds(1));
      atLeastIfSet("connectTimeout", connectTimeout, Duration.ofMillis(100));
      if (maxFrameBytes != null && maxFrameBytes < 64) {
        throw new IllegalArgumentException(
            "maxFrameBytes must be at least 64, got " + maxFrameBytes);
      }
    }

    /** Refuses every bridge setting for a client of another transport. */
    void refuse(Transport transport) {
      refuseFor(transport, "apiKey/bearerToken", credential);
      refuseFor(transport, "pingInterval", pingInterval);
      refuseFor(transport, "connectTimeout", connectTimeout);
      refuseFor(transport, "maxFrameBytes", maxFrameBytes);
    }

    BridgeSettings settings() {
      return new BridgeSettings(
          host,
          port == null ? 0 : port,
          credential,
          pingInterval == null ? Duration.ofSeconds(20) : pingInterval,
          connectTimeout == null ? Duration.ofSeconds(10) : connectTimeout,
          maxFrameBytes == null ? 1024 * 1024 : maxFrameBytes);
    }
  }
}
