package dev.troupe.shared.supervision;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** Which children a supervisor restarts when one crashes, as in Erlang/OTP. */
public enum Strategy {
  /** Only the crashed child: the children do not depend on one another. */
  ONE_FOR_ONE("one-for-one"),
  /**
   * Every child, stopped in reverse start order and started again in order: they only work
   * together.
   */
  ONE_FOR_ALL("one-for-all"),
  /**
   * The crashed child and every child started after it: each later child depends on the earlier
   * ones.
   */
  REST_FOR_ONE("rest-for-one");

  private final String label;

  Strategy(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  /**
   * The children to restart, in start order, when the child at {@code crashed} (of {@code count})
   * crashes.
   */
  List<Integer> affected(int crashed, int count) {
    return switch (this) {
      case ONE_FOR_ONE -> List.of(crashed);
      case ONE_FOR_ALL -> range(0, count);
      case REST_FOR_ONE -> range(crashed, count);
    };
  }

  private static List<Integer> range(int from, int to) {
    return java.util.stream.IntStream.range(from, to).boxed().toList();
  }

  /**
   * Parses {@code one-for-one}, {@code one-for-all} or {@code rest-for-one} (also with
   * underscores).
   */
  public static Strategy parse(String text) {
    String wanted = text.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    return Arrays.stream(values())
        .filter(s -> s.label.equals(wanted))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "unknown supervision strategy '"
                        + text
                        + "'; known: "
                        + Arrays.stream(values())
                            .map(Strategy::label)
                            .collect(Collectors.joining(", "))));
  }
}
