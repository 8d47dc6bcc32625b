package pitr.runbook;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
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
    List<List<String>> paths = RecoveryPaths.rows(r);
    if (!paths.isEmpty()) {
      out.append("\n## Recovery paths\n\n");
      for (List<String> row : paths) {
        out.append("| ").append(String.join(" | ", row)).append(" |\n");
        if (row == paths.get(0)) {
          out.append("|---".repeat(row.size())).append("|\n");
        }
      }
    }
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
        Map.entry("Started", DrillTimeline.millis(r.startedAt())),
        Map.entry("Took", tookInAll(new DrillTimeline(r))),
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

  /** How long the drill took; on the engine, apart from the time its clock was moved on. */
  private static String tookInAll(DrillTimeline time) {
    if (time.moved().isZero()) {
      return took(time.worked());
    }
    return took(time.worked())
        + " (and the engine's clock was moved on "
        + took(time.moved())
        + " by advance steps, which took no time)";
  }

  static String took(Duration d) {
    if (d.toMillis() < 60_000) {
      return String.format(Locale.ROOT, "%.2f s", d.toMillis() / 1000.0);
    }
    return String.format(Locale.ROOT, "%dm %02ds", d.toMinutes(), d.toSecondsPart());
  }

  static String html(DrillResult r) {
    DrillTimeline time = new DrillTimeline(r);
    StringBuilder out = new StringBuilder();
    out.append("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE html>\n");
    out.append(
        "<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\"><head><meta charset=\"UTF-8\"/>");
    out.append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"/>");
    out.append("<title>Drill ").append(esc(r.runbook().name())).append("</title><style>");
    out.append(DrillCharts.css());
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
    List<List<String>> paths = RecoveryPaths.rows(r);
    if (!paths.isEmpty()) {
      out.append("<h2>Recovery paths</h2><table id=\"recovery-paths\">");
      for (List<String> row : paths) {
        String cell = row == paths.get(0) ? "th" : "td";
        out.append("<tr>");
        row.forEach(
            c ->
                out.append('<')
                    .append(cell)
                    .append('>')
                    .append(esc(c))
                    .append("</")
                    .append(cell)
                    .append('>'));
        out.append("</tr>");
      }
      out.append("</table>");
    }
    out.append("<h2>Timeline</h2>").append(DrillCharts.timeline(r, time));
    out.append("<h2>Write throughput</h2>").append(DrillCharts.throughput(r, time));
    out.append(
        "<h2>Steps</h2><table id=\"steps\"><tr><th>#</th><th>step</th><th>status</th><th>took</th>"
            + "<th>what happened</th></tr>");
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
          .append(time.isJump(s) ? "clock moved " + took(s.duration()) : took(s.duration()))
          .append("</td><td>")
          .append(esc(s.failure() != null ? s.failure() : s.detail()))
          .append("</td></tr>");
    }
    out.append("</table></body></html>\n");
    return out.toString();
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
