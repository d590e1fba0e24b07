package dev.troupe.bench;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The {@code --flag value} options of one subcommand. Every flag takes a value; each is read at
 * most once through a typed getter, and {@link #requireAllUsed()} rejects the ones nobody read
 * (typos).
 */
final class Args {
  private final Map<String, String> values = new LinkedHashMap<>();
  private final Set<String> used = new LinkedHashSet<>();

  private Args() {}

  static Args parse(String[] args, int from) {
    Args parsed = new Args();
    for (int i = from; i < args.length; i++) {
      String flag = args[i];
      if (!flag.startsWith("--") || flag.length() == 2) {
        throw new IllegalArgumentException("expected a --flag, got '" + flag + "'");
      }
      String name = flag.substring(2);
      String value;
      int eq = name.indexOf('=');
      if (eq > 0) {
        value = name.substring(eq + 1);
        name = name.substring(0, eq);
      } else if (i + 1 < args.length) {
        value = args[++i];
      } else {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      if (parsed.values.put(name, value) != null) {
        throw new IllegalArgumentException("--" + name + " given twice");
      }
    }
    return parsed;
  }

  boolean has(String name) {
    return values.containsKey(name);
  }

  String string(String name, String defaultValue) {
    used.add(name);
    String v = values.get(name);
    return v == null ? defaultValue : v;
  }

  String required(String name) {
    String v = string(name, null);
    if (v == null || v.isBlank()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return v;
  }

  int integer(String name, int defaultValue, int min, int max) {
    return (int) longValue(name, defaultValue, min, max);
  }

  long longValue(String name, long defaultValue, long min, long max) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      long l = Long.parseLong(v.trim().replace("_", ""));
      if (l < min || l > max) {
        throw new NumberFormatException();
      }
      return l;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--" + name + " must be an integer from " + min + " to " + max + ", got '" + v + "'");
    }
  }

  double decimal(String name, double defaultValue, double minExclusive, double max) {
    String v = string(name, null);
    if (v == null) {
      return defaultValue;
    }
    try {
      double d = Double.parseDouble(v.trim());
      if (!(d > minExclusive && d <= max)) {
        throw new NumberFormatException();
      }
      return d;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "--"
              + name
              + " must be a number above "
              + minExclusive
              + " and at most "
              + max
              + ", got '"
              + v
              + "'");
    }
  }

  /** A duration in nanoseconds: {@code 20s}, {@code 500ms}, {@code 2m}, or plain seconds. */
  long durationNanos(String name, String defaultValue) {
    String v = string(name, defaultValue);
    try {
      return parseDurationNanos(v);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "--" + name + " must be a duration such as 20s, 500ms or 2m, got '" + v + "'");
    }
  }

  static long parseDurationNanos(String text) {
    String v = text.trim().toLowerCase(Locale.ROOT);
    double factor;
    String number;
    if (v.endsWith("ms")) {
      factor = 1e6;
      number = v.substring(0, v.length() - 2);
    } else if (v.endsWith("s")) {
      factor = 1e9;
      number = v.substring(0, v.length() - 1);
    } else if (v.endsWith("m")) {
      factor = 60e9;
      number = v.substring(0, v.length() - 1);
    } else {
      factor = 1e9;
      number = v;
    }
    double d = Double.parseDouble(number);
    if (d < 0 || Double.isNaN(d) || Double.isInfinite(d)) {
      throw new IllegalArgumentException(text);
    }
    return Math.round(d * factor);
  }

  void requireAllUsed() {
    for (String name : values.keySet()) {
      if (!used.contains(name)) {
        throw new IllegalArgumentException("unknown option --" + name);
      }
    }
  }
}
