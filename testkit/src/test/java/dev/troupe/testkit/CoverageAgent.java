package dev.troupe.testkit;

import java.util.List;

/**
 * The JaCoCo agent option for a {@code troupe.jar} child process, so what the child runs counts in
 * the coverage report too. Under {@code mvn verify} the build's JaCoCo {@code prepare-agent}
 * execution sets {@code troupe.coverage.agent} to a {@code -javaagent:...} option writing to {@code
 * target/jacoco-children.exec}; without JaCoCo (or with {@code -Djacoco.skip}) the property is
 * missing or still the unresolved expression, and the child runs without an agent.
 */
final class CoverageAgent {
  private CoverageAgent() {}

  static List<String> jvmArgs() {
    String agent = System.getProperty("troupe.coverage.agent", "");
    return agent.startsWith("-javaagent:") ? List.of(agent) : List.of();
  }
}
