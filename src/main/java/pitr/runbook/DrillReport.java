package pitr.runbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.AtomicFiles;

/**
 * Writes a drill's report into a folder: {@code report.md} and {@code report.html}, a single
 * well-formed XHTML page with the step timeline and the write throughput as inline SVG (no external
 * assets, so it can be attached to a ticket as is).
 */
public final class DrillReport {
  private DrillReport() {}

  /**
   * Refuses, before the drill, a report folder whose files cannot be written: finding out after the
   * whole drill would lose its report.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the folder and the fix
   */
  public static void checkWritable(Path dir) {
    if (Files.exists(dir) && !Files.isDirectory(dir)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Cannot write the drill report to "
              + dir
              + ": it is a file; pass --report a folder (created if missing). Nothing was changed.");
    }
    AtomicFiles.checkWritable(dir.resolve("report.md"), "--report");
    AtomicFiles.checkWritable(dir.resolve("report.html"), "--report");
  }

  /** Writes both files into {@code dir} (created if missing) and returns the HTML file. */
  public static Path write(DrillResult result, Path dir) {
    try {
      Files.createDirectories(dir);
      Files.writeString(dir.resolve("report.md"), markdown(result), StandardCharsets.UTF_8);
      Path html = dir.resolve("report.html");
      Files.writeString(html, html(result), StandardCharsets.UTF_8);
      return html;
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.FAILED,
          "Cannot write the drill report to " + dir + ": " + e.getMessage() + "; pass --report DIR",
          e);
    }
  }

  static String verdict(DrillResult r) {
    if (r.passed()) {
      return "PASSED";
    }
    return "FAILED: " + r.failures().size() + " of " + r.steps().size() + " steps failed";
  }

  static String markdown(DrillResult r) {
    StringBuilder out = new StringBuilder();
    out.append("# Drill ")
        .append(r.runbook().name())
        .append(": ")
        .append(verdict(r))
        .append("\n\n");
    out.append(r.runbook().description().strip()).append("\n\n");
    out.append("| | |\n|---|---|\n");
    summary(r)
        .forEach(
            e ->
                out.append("| ")
                    .append(e.getKey())
                    .append(" | ")
                    .append(e.getValue())
                    .append(" |\n"));
    out.append(
        "\n## Steps\n\n| # | step | status | took | what happened |\n|---|---|---|---|---|\n");
    for (StepResult s : r.steps()) {
      out.append("| ")
          .append(s.number())
          .append(" | ")
          .append(cell(s.step().description()))
          .append(" | ")
          .append(s.status())
          .append(" | ")
          .append(took(s.duration()))
          .append(" | ")
          .append(cell(s.failure() != null ? s.failure() : s.detail()))
          .append(" |\n");
    }
    if (!r.passed()) {
      out.append("\n## Failed\n\n");
      r.failures()
          .forEach(
              s ->
                  out.append("- Step ")
                      .append(s.number())
                      .append(" (")
                      .append(s.step().description())
                      .append("): ")
                      .append(s.failure())
                      .append('\n'));
    }
    return out.toString();
  }

  private static String cell(String s) {
    return s == null ? "" : s.replace("|", "\\|").replace("\n", " ");
  }

  static List<Map.Entry<String, String>> summary(DrillResult r) {
    return List.of(
        Map.entry("Result", verdict(r)),
        Map.entry("Target", r.target()),
        Map.entry("Scale", String.valueOf(r.scale())),
        Map.entry("Started", r.startedAt().toString()),
        Map.entry("Took", took(Duration.between(r.startedAt(), r.finishedAt()))),
        Map.entry(
            "Recovery time (start of recovery to verified)",
            r.recoveryTime() == null ? "no recovery step" : took(r.recoveryTime())),
        Map.entry("Data lost (items not restored; must be 0)", String.format("%,d", r.dataLost())),
        Map.entry("Conflicts found", String.format("%,d", r.conflicts())),
        Map.entry(
            "WCU used",
            r.wcu() < 0
                ? "not measured on this target"
                : String.format(Locale.ROOT, "%,.1f", r.wcu())));
  }

  static String took(Duration d) {
    if (d.toMillis() < 60_000) {
      return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }
    return String.format(Locale.ROOT, "%dm %02ds", d.toMinutes(), d.toSecondsPart());
  }

  static String html(DrillResult r) {
    StringBuilder out = new StringBuilder();
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    out.append(
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"UTF-8\"/>");
    out.append("<title>Drill ").append(esc(r.runbook().name())).append("</title><style>");
    out.append(
        "body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}table{border-collapse:collapse}");
    out.append("td,th{border:1px solid #ccc;padding:.3em .6em;text-align:left;vertical-align:top}");
    out.append(".PASSED{color:#176317}.FAILED{color:#b00020;font-weight:bold}.SKIPPED{color:#777}");
    out.append("</style></head><body>");
    out.append("<h1>Drill ")
        .append(esc(r.runbook().name()))
        .append(": <span class=\"")
        .append(r.passed() ? "PASSED" : "FAILED")
        .append("\">")
        .append(esc(verdict(r)))
        .append("</span></h1>");
    out.append("<p>").append(esc(r.runbook().description().strip())).append("</p>");
    out.append("<table id=\"summary\">");
    summary(r)
        .forEach(
            e ->
                out.append("<tr><th>")
                    .append(esc(e.getKey()))
                    .append("</th><td>")
                    .append(esc(e.getValue()))
                    .append("</td></tr>"));
    out.append("</table>");
    if (!r.passed()) {
      out.append("<h2>Failed</h2><ul id=\"failures\">");
      r.failures()
          .forEach(
              s ->
                  out.append("<li>Step ")
                      .append(s.number())
                      .append(" (")
                      .append(esc(s.step().description()))
                      .append("): ")
                      .append(esc(s.failure()))
                      .append("</li>"));
      out.append("</ul>");
    }
    out.append("<h2>Timeline</h2>").append(timeline(r));
    out.append("<h2>Write throughput</h2>").append(throughput(r));
    out.append(
        "<h2>Steps</h2><table id=\"steps\"><tr><th>#</th><th>step</th><th>status</th><th>took</th><th>what happened</th></tr>");
    for (StepResult s : r.steps()) {
      out.append("<tr><td>")
          .append(s.number())
          .append("</td><td>")
          .append(esc(s.step().description()))
          .append("</td><td class=\"")
          .append(s.status())
          .append("\">")
          .append(s.status())
          .append("</td><td>")
          .append(took(s.duration()))
          .append("</td><td>")
          .append(esc(s.failure() != null ? s.failure() : s.detail()))
          .append("</td></tr>");
    }
    out.append("</table></body></html>\n");
    return out.toString();
  }

  private static final int WIDTH = 900;
  private static final int LABEL = 260;

  private static String timeline(DrillResult r) {
    long total = Math.max(1, Duration.between(r.startedAt(), r.finishedAt()).toMillis());
    int row = 18;
    int height = r.steps().size() * row + 10;
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"step timeline\">");
    int y = 5;
    for (StepResult s : r.steps()) {
      double x =
          LABEL
              + (WIDTH - LABEL - 10)
                  * (double) Duration.between(r.startedAt(), s.start()).toMillis()
                  / total;
      double w = Math.max(2, (WIDTH - LABEL - 10) * (double) s.duration().toMillis() / total);
      String colour =
          switch (s.status()) {
            case PASSED -> "#4caf50";
            case FAILED -> "#e53935";
            case SKIPPED -> "#bdbdbd";
          };
      svg.append("<text x=\"0\" y=\"")
          .append(y + 12)
          .append("\" font-size=\"11\">")
          .append(s.number())
          .append(". ")
          .append(esc(shorten(s.step().description(), 40)))
          .append("</text>");
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"14\" fill=\"%s\"><title>%s</title></rect>",
              x,
              y,
              w,
              colour,
              esc(s.step().type() + ": " + took(s.duration()))));
      y += row;
    }
    return svg.append("</svg>").toString();
  }

  private static String throughput(DrillResult r) {
    List<Map.Entry<Instant, Double>> series = r.throughput();
    if (series.isEmpty()) {
      return "<p>No writes were measured on this target.</p>";
    }
    int height = 200;
    long start = r.startedAt().getEpochSecond();
    long span = Math.max(1, r.finishedAt().getEpochSecond() - start + 1);
    double max = series.stream().mapToDouble(Map.Entry::getValue).max().orElse(1);
    StringBuilder svg = new StringBuilder();
    svg.append("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"")
        .append(WIDTH)
        .append("\" height=\"")
        .append(height + 30)
        .append("\" role=\"img\" aria-label=\"write units per second\">");
    svg.append("<line x1=\"40\" y1=\"")
        .append(height)
        .append("\" x2=\"")
        .append(WIDTH)
        .append("\" y2=\"")
        .append(height)
        .append("\" stroke=\"#333\"/>");
    svg.append(
        String.format(
            Locale.ROOT, "<text x=\"0\" y=\"12\" font-size=\"11\">%,.0f WCU/s</text>", max));
    svg.append("<text x=\"40\" y=\"").append(height + 20).append("\" font-size=\"11\">0 s</text>");
    svg.append("<text x=\"")
        .append(WIDTH - 60)
        .append("\" y=\"")
        .append(height + 20)
        .append("\" font-size=\"11\">")
        .append(span)
        .append(" s</text>");
    double bar = Math.max(1, (WIDTH - 40.0) / span);
    for (Map.Entry<Instant, Double> e : series) {
      double x = 40 + (WIDTH - 40.0) * (e.getKey().getEpochSecond() - start) / span;
      double h = (height - 20) * e.getValue() / max;
      svg.append(
          String.format(
              Locale.ROOT,
              "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1e88e5\"><title>%s: %,.1f WCU</title></rect>",
              x,
              height - h,
              bar,
              h,
              e.getKey(),
              e.getValue()));
    }
    return svg.append("</svg>").toString();
  }

  private static String shorten(String s, int n) {
    return s.length() <= n ? s : s.substring(0, n - 1) + "…";
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char c : s.toCharArray()) {
      switch (c) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        default -> {
          if (c >= 0x20 || c == '\n' || c == '\t') {
            out.append(c);
          }
        }
      }
    }
    return out.toString();
  }
}
