package dev.troupe.bench.spring;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

/**
 * Troupe's document API on the stack most teams would pick instead: Spring Boot MVC on embedded
 * Tomcat, an embedded Hazelcast member holding the cache, JDBC through HikariCP to an H2 file.
 * Everything is Boot's defaults except what the comparison needs (loopback only, the same table,
 * the same cache settings). The benchmarks measure Troupe against it; see bench/README.md.
 */
@SpringBootApplication
@ConfigurationPropertiesScan
public class SpringBaseline {
  /** The short options bench/run passes, and the Spring properties they stand for. */
  private static final Map<String, String> OPTIONS =
      Map.of(
          "--port", "server.port",
          "--host", "server.address",
          "--data-dir", "baseline.data-dir",
          "--cluster-port", "baseline.cluster.port",
          "--members", "baseline.cluster.members",
          "--cluster-name", "baseline.cluster.name");

  public static void main(String[] args) throws IOException {
    SpringApplication.run(SpringBaseline.class, springArgs(args));
  }

  /**
   * {@code --port 8080} style options become {@code --server.port=8080}; anything else (such as
   * {@code --spring.datasource.hikari.maximum-pool-size=16}) passes through to Spring as it is.
   * Without {@code --data-dir} the database goes to a new temporary directory.
   */
  static String[] springArgs(String[] args) throws IOException {
    List<String> out = new ArrayList<>();
    boolean dataDir = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      String name = arg.contains("=") ? arg.substring(0, arg.indexOf('=')) : arg;
      String property = OPTIONS.get(name);
      if (property == null) {
        if (arg.equals("--help")) {
          // Command-line usage for a person at a terminal, before any logger exists: stdout is
          // right.
          System.out.println(
              "spring-baseline [--port 8080] [--host 127.0.0.1] [--data-dir DIR] "
                  + "[--cluster-port 5701] [--members HOST:PORT,...] [--cluster-name spring-baseline] "
                  + "[--<any.spring.property>=VALUE]");
          System.exit(0);
        }
        out.add(arg);
        continue;
      }
      String value;
      if (arg.contains("=")) {
        value = arg.substring(arg.indexOf('=') + 1);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(name + " needs a value");
      }
      dataDir |= property.equals("baseline.data-dir");
      out.add("--" + property + "=" + value);
    }
    if (!dataDir) {
      out.add(
          "--baseline.data-dir=" + Files.createTempDirectory("spring-baseline-").toAbsolutePath());
    }
    return out.toArray(String[]::new);
  }
}
