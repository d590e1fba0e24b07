package dev.troupe.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.DoubleFunction;
import java.util.function.ToDoubleFunction;
import javax.imageio.ImageIO;

/**
 * {@code chart.png}: two panels of grouped bars, throughput and p99 latency, one group per
 * scenario/mode and one bar per label (Troupe's own baselines in greys, Spring in olive, the rest
 * in colours), each bar with its value written on it. Plain Java2D, so it renders headless with no
 * extra library.
 */
final class Chart {
  private static final Color[] PALETTE = {
    new Color(0x1f77b4), new Color(0xff7f0e), new Color(0x2ca02c), new Color(0xd62728),
    new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x17becf)
  };
  private static final Color BARE = new Color(0x4d4d4d);
  private static final Color ONE_HOP = new Color(0xa6a6a6);
  private static final Color SPRING = new Color(0xbcbd22);
  private static final Color GRID = new Color(0xe3e3e3);
  private static final Color TEXT = new Color(0x222222);

  private static final int LEFT = 90;
  private static final int RIGHT = 30;
  private static final int PANEL_HEIGHT = 300;
  private static final int LABEL_SPACE = 56;

  private Chart() {}

  static void write(String title, List<Baselines.Row> rows, Path file) throws IOException {
    System.setProperty("java.awt.headless", "true");
    ImageIO.write(render(title, rows), "png", file.toFile());
  }

  static BufferedImage render(String title, List<Baselines.Row> rows) {
    List<String> groups = new ArrayList<>();
    List<String> labels = new ArrayList<>();
    Map<String, Baselines.Row> cells = new LinkedHashMap<>();
    for (Baselines.Row row : rows) {
      if (!groups.contains(row.group())) {
        groups.add(row.group());
      }
      String label = row.result().label();
      if (!labels.contains(label)) {
        labels.add(label);
      }
      cells.putIfAbsent(row.group() + "\u0000" + label, row);
    }
    labels.sort((a, b) -> Integer.compare(labelRank(a, labels), labelRank(b, labels)));

    int slot = Math.max(30, Math.min(56, 420 / Math.max(1, labels.size())));
    int width = Math.max(960, LEFT + RIGHT + (slot * labels.size() + 36) * groups.size());
    // spread the groups over the whole width; bars keep their width and centre in their group
    int groupWidth = (width - LEFT - RIGHT) / Math.max(1, groups.size());
    int legendRows = legend(null, labels, width);
    int top = 76 + 22 * legendRows;
    int height = top + 2 * (PANEL_HEIGHT + LABEL_SPACE) + 40;

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, width, height);

      g.setColor(TEXT);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 20));
      g.drawString(title + ": throughput and p99 latency by scenario", LEFT, 34);
      legend(g, labels, width);

      Panel panel = new Panel(g, groups, labels, cells, slot, groupWidth);
      panel.draw(
          "Throughput: successful requests per second (higher is better)",
          top,
          r -> r.result().throughput(),
          Chart::compactCount,
          Chart::compactCount,
          false);
      panel.draw(
          "p99 latency in milliseconds (lower is better)",
          top + PANEL_HEIGHT + LABEL_SPACE + 20,
          r -> r.result().latencyMs().p99(),
          Format::ms,
          Chart::plain,
          true);
    } finally {
      g.dispose();
    }
    return image;
  }

  private static int labelRank(String label, List<String> labels) {
    if (label.equals(Baselines.BARE)) {
      return -3;
    }
    if (label.equals(Baselines.ONE_HOP)) {
      return -2;
    }
    if (label.equals(Baselines.SPRING) || label.equals(Baselines.SPRING_OVERLOAD)) {
      return -1;
    }
    return labels.indexOf(label);
  }

  static Color color(String label, List<String> labels) {
    if (label.equals(Baselines.BARE)) {
      return BARE;
    }
    if (label.equals(Baselines.ONE_HOP)) {
      return ONE_HOP;
    }
    if (label.equals(Baselines.SPRING) || label.equals(Baselines.SPRING_OVERLOAD)) {
      return SPRING;
    }
    int i = 0;
    for (String l : labels) {
      if (l.equals(label)) {
        break;
      }
      if (!Baselines.isBaseline(l)) {
        i++;
      }
    }
    return PALETTE[i % PALETTE.length];
  }

  private static final Font LEGEND = new Font(Font.SANS_SERIF, Font.PLAIN, 14);

  /**
   * Draws the legend under the title, wrapping to more rows as needed; with no graphics, only
   * counts the rows.
   */
  private static int legend(Graphics2D g, List<String> labels, int width) {
    FontMetrics fm =
        g != null
            ? g.getFontMetrics(LEGEND)
            : new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB)
                .createGraphics()
                .getFontMetrics(LEGEND);
    int x = LEFT;
    int y = 62;
    int rows = 1;
    for (String label : labels) {
      String text =
          label
              + (label.equals(Baselines.BARE)
                  ? " (baseline: stack limit)"
                  : label.equals(Baselines.ONE_HOP)
                      ? " (baseline: one event-bus hop)"
                      : label.equals(Baselines.SPRING)
                          ? " (baseline: Spring Boot MVC + Hazelcast + JDBC)"
                          : label.equals(Baselines.SPRING_OVERLOAD)
                              ? " (baseline of the -overload rows)"
                              : "");
      int itemWidth = 20 + fm.stringWidth(text) + 24;
      if (x > LEFT && x + itemWidth > width - RIGHT) {
        x = LEFT;
        y += 22;
        rows++;
      }
      if (g != null) {
        g.setFont(LEGEND);
        g.setColor(color(label, labels));
        g.fillRect(x, y - 12, 14, 14);
        g.setColor(TEXT);
        g.drawString(text, x + 20, y);
      }
      x += itemWidth;
    }
    return rows;
  }

  /**
   * The largest "round" number (1, 2, 2.5, 5 times a power of ten) at or above {@code max / 5},
   * times 5.
   */
  static double niceStep(double max) {
    if (max <= 0) {
      return 1;
    }
    double raw = max / 5;
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * magnitude >= raw) {
        return m * magnitude;
      }
    }
    return 10 * magnitude;
  }

  static String compactCount(double v) {
    if (v >= 1_000_000) {
      return trim(v / 1_000_000) + "M";
    }
    if (v >= 10_000) {
      return String.format(Locale.ROOT, "%.0fk", v / 1000);
    }
    return String.format(Locale.ROOT, "%,.0f", v);
  }

  /** An axis value without float noise or trailing zeros: 0, 0.25, 2500. */
  static String plain(double v) {
    return java.math.BigDecimal.valueOf(v)
        .round(new java.math.MathContext(6))
        .stripTrailingZeros()
        .toPlainString();
  }

  /**
   * Where values sit on an axis, 0 at the bottom and 1 at the top. Linear from zero; logarithmic
   * (whole decades) when the values span so much that the small bars would vanish.
   */
  record Scale(boolean log, double low, double high, List<Double> ticks) {
    static final double LOG_SPAN = 30;

    static Scale of(List<Double> values, boolean logAllowed) {
      double max = values.stream().mapToDouble(Double::doubleValue).max().orElse(0);
      double minPositive =
          values.stream().mapToDouble(Double::doubleValue).filter(v -> v > 0).min().orElse(0);
      if (logAllowed && minPositive > 0 && max / minPositive > LOG_SPAN) {
        // a decade lower when the smallest value sits near the bottom of its decade, so its bar
        // shows
        double low = Math.pow(10, Math.floor(Math.log10(minPositive / 3)));
        double high = roundUp(max * 1.3);
        List<Double> ticks = new ArrayList<>();
        boolean minor = Math.log10(high / low) <= 4;
        for (double decade = low; decade <= high * 1.0001; decade *= 10) {
          ticks.add(decade);
          if (minor && decade * 2 < high) {
            ticks.add(decade * 2);
            ticks.add(decade * 5);
          }
        }
        if (ticks.get(ticks.size() - 1) < high * 0.9999) {
          ticks.add(high);
        }
        return new Scale(true, low, high, ticks);
      }
      double step = niceStep(max);
      double top = Math.max(step, Math.ceil(max * 1.08 / step) * step);
      List<Double> ticks = new ArrayList<>();
      for (int i = 0; i * step <= top + step / 2; i++) {
        ticks.add(i * step);
      }
      return new Scale(false, 0, top, ticks);
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code v}. */
    static double roundUp(double v) {
      double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
      for (double m : new double[] {1, 2, 5}) {
        if (m * magnitude >= v * 0.9999) {
          return m * magnitude;
        }
      }
      return 10 * magnitude;
    }

    double position(double v) {
      if (log) {
        return v <= 0 ? 0 : Math.max(0, Math.log10(v / low) / Math.log10(high / low));
      }
      return v / high;
    }
  }

  private static String trim(double v) {
    String s = String.format(Locale.ROOT, "%.1f", v);
    return s.endsWith(".0") ? s.substring(0, s.length() - 2) : s;
  }

  private record Panel(
      Graphics2D g,
      List<String> groups,
      List<String> labels,
      Map<String, Baselines.Row> cells,
      int slot,
      int groupWidth) {

    void draw(
        String title,
        int top,
        ToDoubleFunction<Baselines.Row> value,
        DoubleFunction<String> format,
        DoubleFunction<String> axisFormat,
        boolean logAllowed) {
      int plotTop = top + 24;
      int plotHeight = PANEL_HEIGHT - 24;
      int bottom = plotTop + plotHeight;
      int right = LEFT + groupWidth * groups.size();

      List<Double> values = new ArrayList<>();
      for (Baselines.Row row : cells.values()) {
        values.add(value.applyAsDouble(row));
      }
      Scale scale = Scale.of(values, logAllowed);

      g.setColor(TEXT);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
      g.drawString(title + (scale.log() ? ", log scale" : ""), LEFT, top + 10);

      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      FontMetrics fm = g.getFontMetrics();
      for (double tick : scale.ticks()) {
        int y = bottom - (int) Math.round(scale.position(tick) * plotHeight);
        g.setColor(GRID);
        g.drawLine(LEFT, y, right, y);
        g.setColor(TEXT);
        String text = axisFormat.apply(tick);
        g.drawString(text, LEFT - 8 - fm.stringWidth(text), y + fm.getAscent() / 2 - 1);
      }

      int barsWidth = slot * labels.size();
      for (int gi = 0; gi < groups.size(); gi++) {
        String group = groups.get(gi);
        int gx = LEFT + gi * groupWidth + (groupWidth - barsWidth) / 2;
        for (int li = 0; li < labels.size(); li++) {
          Baselines.Row row = cells.get(group + "\u0000" + labels.get(li));
          if (row == null) {
            continue;
          }
          double v = value.applyAsDouble(row);
          int barHeight = (int) Math.round(scale.position(v) * plotHeight);
          int x = gx + li * slot + 2;
          int w = slot - 4;
          g.setColor(color(labels.get(li), labels));
          g.fillRect(x, bottom - barHeight, w, barHeight);
          valueLabel(format.apply(v), x, w, bottom - barHeight);
        }
        groupLabel(group, gx, barsWidth, bottom);
      }
      g.setColor(TEXT);
      g.setStroke(new BasicStroke(1.2f));
      g.drawLine(LEFT, bottom, right, bottom);
      g.drawLine(LEFT, plotTop - 4, LEFT, bottom);
    }

    private void valueLabel(String text, int x, int w, int barTop) {
      g.setColor(TEXT);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      FontMetrics fm = g.getFontMetrics();
      int textWidth = fm.stringWidth(text);
      if (textWidth <= w + 6) {
        g.drawString(text, x + (w - textWidth) / 2, barTop - 4);
      } else {
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, x + w / 2.0 + fm.getAscent() / 2.0 - 1, barTop - 4);
        g.drawString(text, (int) Math.round(x + w / 2.0 + fm.getAscent() / 2.0 - 1), barTop - 4);
        g.setTransform(saved);
      }
    }

    private void groupLabel(String group, int x, int width, int bottom) {
      String[] parts = group.split(" \u00b7 ", 2);
      g.setColor(TEXT);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      FontMetrics fm = g.getFontMetrics();
      g.drawString(parts[0], x + (width - fm.stringWidth(parts[0])) / 2, bottom + 18);
      if (parts.length > 1) {
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        fm = g.getFontMetrics();
        g.drawString(parts[1], x + (width - fm.stringWidth(parts[1])) / 2, bottom + 34);
      }
    }
  }
}
