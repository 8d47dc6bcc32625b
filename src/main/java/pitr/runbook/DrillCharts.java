package pitr.runbook;

import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The two pictures of a drill report: the step timeline (an HTML grid, so step names wrap instead
 * of being cut) and the write throughput (inline SVG with labelled axes). Both share the {@link
 * DrillTimeline} axis, mark T0, the incident's end, the start of recovery and the moment it was
 * verified, and draw jumps of the engine's clock as breaks. Colours come from the page's CSS
 * variables, so both read in light and dark mode and in print.
 */
final class DrillCharts {
  private static final int WIDTH = 900;
  private static final int LEFT = 70;
  private static final int RIGHT = 20;
  private static final int TOP = 24;
  private static final int PLOT = 200;

  private DrillCharts() {}

  /** The page's style sheet: a palette for light and dark mode, print rules. No {@code <} or &. */
  static String css() {
    return ":root{color-scheme:light dark;--fg:#1b1b1b;--bg:#ffffff;--muted:#5f6368;"
        + "--grid:#d0d4d9;--pass:#2e7d32;--fail:#c62828;--skip:#9e9e9e;--bar:#1565c0;"
        + "--mark:#6a1b9a;--jump:#8d6e63}"
        + "@media (prefers-color-scheme:dark){:root{--fg:#e8eaed;--bg:#15171a;--muted:#a0a4a8;"
        + "--grid:#3c4043;--pass:#66bb6a;--fail:#ef5350;--skip:#8a8a8a;--bar:#64b5f6;"
        + "--mark:#ce93d8;--jump:#bcaaa4}}"
        + "body{font-family:system-ui,sans-serif;margin:2em auto;max-width:72em;padding:0 1em;"
        + "color:var(--fg);background:var(--bg)}"
        + "table{border-collapse:collapse}"
        + "td,th{border:1px solid var(--grid);padding:.3em .6em;text-align:left;vertical-align:top}"
        + ".PASSED{color:var(--pass)}.FAILED{color:var(--fail);font-weight:bold}"
        + ".SKIPPED{color:var(--skip)}"
        + "#timeline{display:grid;grid-template-columns:minmax(12em,22em) 1fr;gap:2px 12px;"
        + "align-items:center}"
        + "#timeline .label{font-size:.85em;overflow-wrap:anywhere}"
        + "#timeline .track{position:relative;height:1.1em;border-left:1px solid var(--grid)}"
        + "#timeline .bar{position:absolute;top:0;bottom:0;min-width:2px;border-radius:2px}"
        + "#timeline .bar.PASSED{background:var(--pass)}"
        + "#timeline .bar.FAILED{background:var(--fail)}"
        + "#timeline .bar.SKIPPED{background:var(--skip)}"
        + "#timeline .bar.jump{background:none;border-left:3px double var(--jump);"
        + "color:var(--jump);font-size:.75em;white-space:nowrap;padding-left:3px}"
        + "#timeline .marker{position:absolute;top:-2px;bottom:-2px;"
        + "border-left:2px dashed var(--mark)}"
        + "#timeline .axis{font-size:.75em;color:var(--muted);position:relative;height:1.4em}"
        + "#timeline .axis span{position:absolute;white-space:nowrap}"
        + ".legend{font-size:.85em;color:var(--muted)}"
        + ".legend b{color:var(--mark)}"
        + "svg text{fill:var(--fg);font-size:11px}"
        + "svg .grid{stroke:var(--grid)}svg .axisline{stroke:var(--fg)}"
        + "svg .wcu{fill:var(--bar)}svg .marker{stroke:var(--mark);stroke-dasharray:4 3}"
        + "svg .marker-label{fill:var(--mark)}svg .jump{stroke:var(--jump);stroke-width:3}"
        + "@media print{body{max-width:none;margin:0}h2{break-after:avoid}"
        + "table,tr,svg,#timeline{break-inside:avoid}"
        + "*{-webkit-print-color-adjust:exact;print-color-adjust:exact}}";
  }

  /** The step timeline: one row per step, its bar placed on the shared axis. */
  static String timeline(DrillResult r, DrillTimeline time) {
    long length = time.length();
    List<DrillTimeline.Marker> markers = time.markers();
    StringBuilder out = new StringBuilder("<div id=\"timeline\" role=\"img\"");
    out.append(" aria-label=\"step timeline\">");
    for (StepResult s : r.steps()) {
      out.append("<div class=\"label\">")
          .append(s.number())
          .append(". ")
          .append(DrillReport.esc(s.step().description()))
          .append("</div><div class=\"track\">");
      double left = pct(time.offset(s.start()), length);
      if (time.isJump(s)) {
        out.append(
            String.format(
                Locale.ROOT,
                "<div class=\"bar jump\" style=\"left:%.2f%%\" title=\"%s\">clock moved +%s</div>",
                left,
                DrillReport.esc(s.step().type() + ": the engine's clock jumped, no time passed"),
                DrillReport.took(s.duration())));
      } else {
        double width = pct(time.offset(s.end()), length) - left;
        out.append(
            String.format(
                Locale.ROOT,
                "<div class=\"bar %s\" style=\"left:%.2f%%;width:%.2f%%\" title=\"%s\"></div>",
                s.status(),
                left,
                width,
                DrillReport.esc(s.step().type() + ": " + DrillReport.took(s.duration()))));
      }
      for (DrillTimeline.Marker m : markers) {
        out.append(
            String.format(
                Locale.ROOT,
                "<div class=\"marker\" style=\"left:%.2f%%\" title=\"%s\"></div>",
                pct(time.offset(m.at()), length),
                DrillReport.esc(m.label() + " " + DrillTimeline.millis(m.at()))));
      }
      out.append("</div>");
    }
    out.append("<div></div><div class=\"axis\">");
    for (int i = 0; i <= 4; i++) {
      out.append(
          String.format(
              Locale.ROOT,
              "<span style=\"left:%d%%%s\">%s</span>",
              i * 25,
              i == 4 ? ";transform:translateX(-100%)" : "",
              DrillReport.took(java.time.Duration.ofMillis(length * i / 4))));
    }
    out.append("</div></div>");
    out.append(legend(markers, time));
    return out.toString();
  }

  /** What the dashed lines are, and what the clock jumps add up to. */
  static String legend(List<DrillTimeline.Marker> markers, DrillTimeline time) {
    StringBuilder out = new StringBuilder("<p class=\"legend\">");
    out.append("Time since the drill started");
    if (!time.jumps().isEmpty()) {
      out.append(", not counting the engine's clock jumps (")
          .append(DrillReport.took(time.moved()))
          .append(" in all, drawn as breaks)");
    }
    out.append(".");
    for (DrillTimeline.Marker m : markers) {
      out.append(" <b>")
          .append(DrillReport.esc(m.label()))
          .append("</b> ")
          .append(DrillTimeline.millis(m.at()))
          .append(" (+")
          .append(DrillReport.took(java.time.Duration.ofMillis(time.offset(m.at()))))
          .append(").");
    }
    return out.append("</p>").toString();
  }

  /** The write throughput: WCU per second on the shared axis, with the incident's moments. */
  static String throughput(DrillResult r, DrillTimeline time) {
    List<Map.Entry<Instant, Double>> series = r.throughput();
    if (series.isEmpty()) {
      return "<p>No writes were measured on this target.</p>";
    }
    long length = time.length();
    double max = series.stream().mapToDouble(Map.Entry::getValue).max().orElse(1);
    max = Math.max(max, 1);
    int plotWidth = WIDTH - LEFT - RIGHT;
    int bottom = TOP + PLOT;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" id=\"throughput\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(bottom + 44)
        .append("\" viewBox=\"0 0 ")
        .append(WIDTH)
        .append(' ')
        .append(bottom + 44)
        .append("\" role=\"img\" aria-label=\"write units per second over the drill\">");
    for (int i = 0; i <= 4; i++) {
      double y = bottom - PLOT * i / 4.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"grid\" x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\"/>"
                  + "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%,.0f</text>",
              LEFT,
              y,
              WIDTH - RIGHT,
              y,
              LEFT - 6,
              y + 4,
              max * i / 4));
      double x = LEFT + plotWidth * i / 4.0;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
              x,
              bottom + 16,
              i == 0 ? "start" : i == 4 ? "end" : "middle",
              DrillReport.took(java.time.Duration.ofMillis(length * i / 4))));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<line class=\"axisline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>"
                + "<line class=\"axisline\" x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"/>",
            LEFT,
            bottom,
            WIDTH - RIGHT,
            bottom,
            LEFT,
            TOP,
            LEFT,
            bottom));
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">time since the drill started"
                + " (engine clock jumps removed)</text>"
                + "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" transform=\"rotate(-90 14 %d)\">"
                + "write units per second (WCU/s)</text>",
            LEFT + plotWidth / 2,
            bottom + 36,
            TOP + PLOT / 2,
            TOP + PLOT / 2));
    double bar = Math.max(1, plotWidth * 1000.0 / length);
    for (Map.Entry<Instant, Double> e : series) {
      double x = LEFT + plotWidth * (double) time.offset(e.getKey()) / length;
      double h = PLOT * e.getValue() / max;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect class=\"wcu\" x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\">"
                  + "<title>%s: %,.1f WCU/s</title></rect>",
              x,
              bottom - h,
              Math.min(bar, WIDTH - RIGHT - x),
              h,
              DrillTimeline.millis(e.getKey()),
              e.getValue()));
    }
    for (DrillTimeline.Jump j : time.jumps()) {
      double x = LEFT + plotWidth * (double) time.offset(j.at()) / length;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"jump\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\">"
                  + "<title>the engine's clock jumped %s</title></line>",
              x,
              bottom - 6,
              x,
              bottom + 6,
              DrillReport.took(j.by())));
    }
    int labelRow = 0;
    for (DrillTimeline.Marker m : time.markers()) {
      double x = LEFT + plotWidth * (double) time.offset(m.at()) / length;
      svg.append(
          String.format(
              Locale.ROOT,
              "<line class=\"marker\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>"
                  + "<text class=\"marker-label\" x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">%s</text>",
              x,
              TOP,
              x,
              bottom,
              x + (x > WIDTH / 2.0 ? -3 : 3),
              TOP - 12 + 11 * (labelRow++ % 2),
              x > WIDTH / 2.0 ? "end" : "start",
              DrillReport.esc(m.label())));
    }
    return svg.append("</svg>").toString();
  }

  private static double pct(long offset, long length) {
    return Math.max(0, Math.min(100, 100.0 * offset / length));
  }
}
