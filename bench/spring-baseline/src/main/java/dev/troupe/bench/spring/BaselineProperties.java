package dev.troupe.bench.spring;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The baseline's own settings ({@code baseline.*}). The cache defaults are Troupe's ({@code
 * TROUPE_CACHE_*}), so both stacks cache alike.
 */
@ConfigurationProperties("baseline")
public record BaselineProperties(
    Path dataDir, @DefaultValue Cluster cluster, @DefaultValue Cache cache) {

  /**
   * The Hazelcast member: TCP-IP on loopback to the listed members (comma-separated {@code
   * host:port}; none means this member alone), never multicast.
   */
  public record Cluster(
      @DefaultValue("spring-baseline") String name,
      @DefaultValue("127.0.0.1") String host,
      @DefaultValue("5701") int port,
      @DefaultValue("") String members) {

    List<String> memberList() {
      return members.isBlank() ? List.of(host + ":" + port) : Arrays.asList(members.split(","));
    }
  }

  /** The document cache map. */
  public record Cache(
      @DefaultValue("docs") String map,
      @DefaultValue("300") int ttlSeconds,
      @DefaultValue("100000") int maxEntries,
      @DefaultValue("1") int backups) {}
}
