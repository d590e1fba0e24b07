package dev.troupe.bench;

import java.util.Locale;

/**
 * How the report, its notes and the goals write figures: milliseconds, ratios, shares, thousands
 * and rates, always in {@link Locale#ROOT}.
 */
final class Format {
  private Format() {}

  /** A result's loop as the table reads it: {@code closed ×32} or {@code open 5000/s}. */
  static String mode(LoadResult r) {
    return r.mode().equals("open")
        ? "open " + compact(r.rate()) + "/s"
        : "closed \u00d7" + r.connections();
  }

  static String times(Double ratio) {
    return ratio == null ? "\u2013" : String.format(Locale.ROOT, "%.2f\u00d7", ratio);
  }

  static String ms(double v) {
    if (v >= 100) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (v >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    if (v >= 1) {
      return String.format(Locale.ROOT, "%.2f", v);
    }
    return String.format(Locale.ROOT, "%.3f", v);
  }

  /** 0.263 -> 26%; below 1%, one decimal (0.4%). */
  static String percent(double fraction) {
    double p = fraction * 100;
    return p > 0 && p < 1
        ? String.format(Locale.ROOT, "%.1f%%", p)
        : String.format(Locale.ROOT, "%.0f%%", p);
  }

  static String thousands(long v) {
    return String.format(Locale.ROOT, "%,d", v);
  }

  static String thousands(double v) {
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  /** 2000 -> 2000, 2500.5 -> 2500.5: rates as the user typed them. */
  static String compact(double v) {
    return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
  }
}
