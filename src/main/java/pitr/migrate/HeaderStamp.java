package pitr.migrate;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.files.AtomicFiles;

/**
 * Writes {@code Execution Time:} and {@code Finalization Time:} lines into a migration's class
 * Javadoc from its succeeded runs in the ledger, one pair per run, appending a pair for each rerun
 * and never duplicating one. Placeholder lines ({@code (not run yet)}) are replaced. The stamp
 * lines do not count toward the source checksum.
 */
public final class HeaderStamp {
  private static final Pattern STAMP =
      Pattern.compile("^\\s*\\*?\\s*(?:<p>)?\\s*(Execution|Finalization) Time:\\s*(.*?)\\s*$");
  private static final Pattern CLASS =
      Pattern.compile(
          "^\\s*(?:@\\w+\\s+)*(?:(?:public|final|abstract|sealed|non-sealed|strictfp)\\s+)*"
              + "(?:class|record|enum)\\s+\\w+.*");

  private HeaderStamp() {}

  static boolean isStampLine(String line) {
    return STAMP.matcher(line).matches();
  }

  /**
   * Stamps {@code file} with {@code runs} (succeeded, oldest first).
   *
   * @return how many pairs were added
   * @throws PitrException {@link ErrorCode#USAGE} when the file has no class Javadoc to stamp
   */
  public static int stamp(MigrationFile file, List<RunRecord> runs) {
    String source;
    try {
      source = Files.readString(file.path(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE, "Cannot read " + file.path() + ": " + e.getMessage());
    }
    String stamped = stamp(file.name(), source, runs);
    if (stamped.equals(source)) {
      return 0;
    }
    try {
      AtomicFiles.rewrite(file.path(), stamped);
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.FAILED, "Cannot write " + file.path() + ": " + e.getMessage(), e);
    }
    return (int)
        (stamped.lines().filter(l -> l.contains("Execution Time:")).count()
            - source
                .lines()
                .filter(l -> l.contains("Execution Time:") && !l.contains("(not run"))
                .count());
  }

  static String stamp(String name, String source, List<RunRecord> runs) {
    List<String> lines = new ArrayList<>(List.of(source.split("\n", -1)));
    int classLine = -1;
    for (int i = 0; i < lines.size(); i++) {
      if (CLASS.matcher(lines.get(i)).matches()) {
        classLine = i;
        break;
      }
    }
    int end = -1;
    for (int i = classLine - 1; i >= 0; i--) {
      String l = lines.get(i).strip();
      if (l.endsWith("*/")) {
        end = i;
        break;
      }
      if (!l.isEmpty() && !l.startsWith("@")) {
        break;
      }
    }
    if (classLine < 0 || end < 0) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration "
              + name
              + " has no Javadoc comment on its class to stamp; add one ('/** What it does. */')"
              + " above the class and rerun");
    }
    int start = end;
    while (start >= 0 && !lines.get(start).contains("/**")) {
      start--;
    }
    if (start < 0) {
      throw new PitrException(
          ErrorCode.USAGE, "Migration " + name + ": the comment above the class is not Javadoc");
    }
    List<String> existing = new ArrayList<>();
    for (int i = end; i >= start; i--) {
      Matcher m = STAMP.matcher(lines.get(i));
      if (m.matches()) {
        if (m.group(2).startsWith("(not run")) {
          lines.remove(i);
          end--;
        } else if (m.group(1).equals("Execution")) {
          existing.add(m.group(2));
        }
      }
    }
    String endLine = lines.get(end);
    String indent = endLine.substring(0, endLine.length() - endLine.stripLeading().length());
    if (start == end) {
      // One-line Javadoc: open it up so the stamp lines have somewhere to go.
      String line = lines.get(start);
      String text = line.substring(line.indexOf("/**") + 3, line.lastIndexOf("*/")).strip();
      lines.set(start, indent + "/**");
      lines.add(start + 1, indent + " * " + text);
      lines.add(start + 2, indent + " */");
      end = start + 2;
      indent = indent + " ";
    }
    List<String> added = new ArrayList<>();
    for (RunRecord r : runs) {
      if (r.status() != MigrationState.SUCCEEDED || r.finishedAt() == null) {
        continue;
      }
      String started = r.startedAt().toString();
      if (existing.contains(started)) {
        continue;
      }
      added.add(indent + "* Execution Time: " + started);
      added.add(indent + "* Finalization Time: " + r.finishedAt());
    }
    lines.addAll(end, added);
    return String.join("\n", lines);
  }
}
