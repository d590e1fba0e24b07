package dev.troupe.client;

import static dev.troupe.client.OptionChecks.atLeast;
import static dev.troupe.client.OptionChecks.atLeastIfSet;
import static dev.troupe.client.OptionChecks.hostAndPort;
import static dev.troupe.client.OptionChecks.portRange;
import static dev.troupe.client.OptionChecks.refuseFor;

import dev.troupe.client.ClientOptions.Transport;
import java.time.Duration;
import java.util.List;

/**
 * The settings of the lite member ({@link ClientOptions.Transport#CLUSTER}), with their defaults;
 * see the accessors of {@link ClientOptions} of the same names.
 */
record ClusterSettings(
    String name,
    List<String> members,
    String host,
    int port,
    int eventBusPort,
    Duration heartbeat,
    Duration failureTimeout,
    Duration joinTimeout,
    boolean zoneAware) {
  static final Duration DEFAULT_HEARTBEAT = Duration.ofSeconds(1);
  static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(10);

  /** What the builder collected: null where nothing was set. */
  static final class Draft {
    String name;
    List<String> members;
    String host;
    Integer port;
    Integer eventBusPort;
    Duration heartbeat;
    Duration failureTimeout;
    Duration joinTimeout;
    Boolean zoneAware;

    /** Whether {@code cluster(...)} named this transport. */
    boolean named() {
      return name != null || members != null;
    }

    /** Checks the settings of a cluster client. */
    void check() {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("cluster: the cluster's name must not be blank");
      }
      if (members.isEmpty()) {
        throw new IllegalArgumentException(
            "cluster: name at least one member to join through, as host:port");
      }
      for (String member : members) {
        hostAndPort("cluster: member", member);
      }
      if (host != null && host.isBlank()) {
        throw new IllegalArgumentException("host must not be blank");
      }
      portRange("port", port, 0);
      portRange("eventBusPort", eventBusPort, 0);
      Duration beat = heartbeat == null ? DEFAULT_HEARTBEAT : heartbeat;
      atLeast("heartbeat", beat, Duration.ofSeconds(1));
      Duration dead = failureTimeout == null ? DEFAULT_FAILURE_TIMEOUT : failureTimeout;
      if (dead.compareTo(beat) <= 0) {
        throw new IllegalArgumentException(
            "failureTimeout ("
                + dead.toMillis()
                + " ms) must be longer than the heartbeat ("
                + beat.toMillis()
                + " ms)");
      }
      atLeastIfSet("joinTimeout", joinTimeout, Duration.ofSeconds(1));
    }

    /** Refuses every lite-member setting for a client of another transport. */
    void refuse(Transport transport) {
      refuseFor(transport, "host", host);
      refuseFor(transport, "port", port);
      refuseFor(transport, "eventBusPort", eventBusPort);
      refuseFor(transport, "heartbeat", heartbeat);
      refuseFor(transport, "failureTimeout", failureTimeout);
      refuseFor(transport, "joinTimeout", joinTimeout);
      refuseFor(transport, "zoneAware", zoneAware);
    }

    ClusterSettings settings() {
      return new ClusterSettings(
          name,
          members == null ? List.of() : List.copyOf(members),
          host == null ? "127.0.0.1" : host,
          port == null ? 0 : port,
          eventBusPort == null ? 0 : eventBusPort,
          heartbeat == null ? DEFAULT_HEARTBEAT : heartbeat,
          failureTimeout == null ? DEFAULT_FAILURE_TIMEOUT : failureTimeout,
          joinTimeout == null ? Duration.ofSeconds(20) : joinTimeout,
          zoneAware != null && zoneAware);
    }
  }
}
