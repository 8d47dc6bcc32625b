package pitr.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code migrations/lint-exceptions.txt}: imports a migration may use although the lint forbids
 * them, each with a reason. One per line:
 *
 * <pre>
 * # migration            type or package (a trailing .* covers a package)    reason
 * 0042_fix_binary_keys   software.amazon.awssdk.core.BytesWrapper            needs raw bytes of keys
 * </pre>
 *
 * <p>Blank lines and lines starting with {@code #} are ignored. A line without a reason is itself a
 * lint problem.
 */
record LintExceptions(List<Entry> entries, List<String> problems) {
  static final String FILE_NAME = "lint-exceptions.txt";

  /** One allowed use. */
  record Entry(String migration, String target, String reason) {
    boolean covers(String migrationName, String qualifiedName) {
      if (!migration.equals(migrationName) && !migration.equals("*")) {
        return false;
      }
      if (target.endsWith(".*")) {
        return qualifiedName.startsWith(target.substring(0, target.length() - 1));
      }
      return qualifiedName.equals(target) || qualifiedName.startsWith(target + ".");
    }
  }

  static LintExceptions none() {
    return new LintExceptions(List.of(), List.of());
  }

  /** The exceptions file in {@code dir}; none when it does not exist. */
  static LintExceptions load(Path dir) {
    Path file = dir.resolve(FILE_NAME);
    if (!Files.exists(file)) {
      return none();
    }
    try {
      return parse(file.toString(), Files.readAllLines(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static LintExceptions parse(String fileName, List<String> lines) {
    List<Entry> entries = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i).strip();
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] parts = line.split("\\s+", 3);
      if (parts.length < 3 || parts[2].isBlank()) {
        problems.add(
            fileName
                + ":"
                + (i + 1)
                + ": exception '"
                + line
                + "' has no reason; write 'MIGRATION TYPE REASON', e.g. '0042_fix_keys"
                + " software.amazon.awssdk.core.BytesWrapper needs raw key bytes'");
        continue;
      }
      entries.add(new Entry(parts[0], parts[1], parts[2].strip()));
    }
    return new LintExceptions(List.copyOf(entries), List.copyOf(problems));
  }

  boolean allows(String migration, String qualifiedName) {
    return entries.stream().anyMatch(e -> e.covers(migration, qualifiedName));
  }
}
