package pitr.migrate;

import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A migration source file, {@code NNNN_snake_case_name.java}.
 *
 * @param number the leading number, which orders migrations
 * @param name the file name without {@code .java}, e.g. {@code 0608_remove_root_url}; the
 *     migration's name everywhere (ledger, journal, lint exceptions)
 * @param path where the file is
 */
public record MigrationFile(int number, String name, Path path) {
  static final Pattern FILE_NAME =
      Pattern.compile("(\\d{4,})_([a-z][a-z0-9]*(?:_[a-z0-9]+)*)\\.java");

  /** The file at {@code path}, or null when its name is not {@code NNNN_snake_case_name.java}. */
  static MigrationFile of(Path path) {
    Matcher m = FILE_NAME.matcher(path.getFileName().toString());
    if (!m.matches()) {
      return null;
    }
    String file = path.getFileName().toString();
    return new MigrationFile(
        Integer.parseInt(m.group(1)), file.substring(0, file.length() - ".java".length()), path);
  }

  /** The name without its number, e.g. {@code remove_root_url}. */
  public String shortName() {
    return name.substring(name.indexOf('_') + 1);
  }
}
