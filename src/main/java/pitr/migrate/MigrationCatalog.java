package pitr.migrate;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import pitr.ErrorCode;
import pitr.NearestNames;
import pitr.PitrException;

/**
 * The migrations folder: finds migrations by name (suggesting the nearest names for a typo) and
 * writes the next numbered file from a template.
 */
public final class MigrationCatalog {
  private final Path dir;

  public MigrationCatalog(Path dir) {
    this.dir = dir;
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** Every migration file, ordered by number. Missing folder: none. */
  public List<MigrationFile> all() {
    List<MigrationFile> out = new ArrayList<>();
    for (Path p : javaFiles()) {
      MigrationFile f = MigrationFile.of(p);
      if (f != null) {
        out.add(f);
      }
    }
    out.sort(Comparator.comparingInt(MigrationFile::number).thenComparing(MigrationFile::name));
    return out;
  }

  /** {@code .java} files in the folder whose names are not {@code NNNN_snake_case_name.java}. */
  public List<Path> misnamed() {
    return javaFiles().stream().filter(p -> MigrationFile.of(p) == null).toList();
  }

  private List<Path> javaFiles() {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Refuses a migrations folder that does not exist (a mistyped {@code --migrations-dir}, or pitr
   * run from another folder), which would otherwise read as a folder without migrations.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the folder, as given and in full
   */
  public void requireFolder() {
    if (!Files.isDirectory(dir)) {
      Path full = dir.toAbsolutePath().normalize();
      throw new PitrException(
          ErrorCode.USAGE,
          "Migrations folder "
              + dir
              + " does not exist"
              + (full.toString().equals(dir.toString()) ? "" : " (" + full + ")")
              + "; pass --migrations-dir DIR, the folder of the NNNN_name.java files (the"
              + " default, migrations, is read from the folder pitr runs in)");
    }
  }

  /**
   * The migration called {@code name}: its full name ({@code 0608_remove_root_url}), with or
   * without {@code .java}, its number ({@code 0608}) or its name without number.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the nearest migrations when none matches
   */
  public MigrationFile resolve(String name) {
    requireFolder();
    String wanted = name.endsWith(".java") ? name.substring(0, name.length() - 5) : name;
    List<MigrationFile> all = all();
    for (MigrationFile f : all) {
      if (f.name().equals(wanted)) {
        return f;
      }
    }
    List<MigrationFile> partial =
        all.stream()
            .filter(
                f ->
                    f.shortName().equals(wanted)
                        || f.name().startsWith(wanted + "_") && wanted.matches("\\d+"))
            .toList();
    if (partial.size() == 1) {
      return partial.get(0);
    }
    List<String> near = nearest(wanted, all.stream().map(MigrationFile::name).toList(), 3);
    throw new PitrException(
        ErrorCode.USAGE,
        "No migration named "
            + name
            + " in "
            + dir
            + (near.isEmpty()
                ? "; run 'pitr migrate list' to see the migrations there"
                : "; did you mean " + String.join(", ", near) + "?"));
  }

  /** Up to {@code limit} of {@code names} closest to {@code wanted}, with or without number. */
  static List<String> nearest(String wanted, List<String> names, int limit) {
    return NearestNames.of(wanted, names, limit, n -> n.substring(n.indexOf('_') + 1));
  }

  /**
   * Writes {@code NNNN_name.java} from the template, numbered one past the highest existing number,
   * and returns it.
   *
   * @throws PitrException {@link ErrorCode#USAGE} when {@code name} is not snake_case
   */
  public MigrationFile create(String name) {
    String snake = "[a-z][a-z0-9]*(_[a-z0-9]+)*";
    if (!name.matches(snake)) {
      String fixed =
          name.replaceAll("([a-z0-9])([A-Z])", "$1_$2")
              .toLowerCase(Locale.ROOT)
              .replaceAll("[^a-z0-9]+", "_")
              .replaceAll("^[_0-9]+|_+$", "");
      throw new PitrException(
          ErrorCode.USAGE,
          "Migration name "
              + name
              + " is not snake_case; use lower-case words joined by _, e.g. "
              + (fixed.matches(snake) ? fixed : "cars_get_a_price"));
    }
    int next = all().stream().mapToInt(MigrationFile::number).max().orElse(0) + 1;
    String fileName = String.format(Locale.ROOT, "%04d_%s.java", next, name);
    Path path = dir.resolve(fileName);
    try {
      Files.createDirectories(dir);
      Files.writeString(path, template(name), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.FAILED,
          "Could not write " + path + ": " + e.getMessage() + "; check the folder's permissions",
          e);
    }
    return MigrationFile.of(path);
  }

  static String className(String snake) {
    StringBuilder out = new StringBuilder();
    for (String part : snake.split("_")) {
      if (!part.isEmpty()) {
        out.append(Character.toUpperCase(part.charAt(0))).append(part.substring(1));
      }
    }
    return out.toString();
  }

  static String template(String name) {
    return """
        import java.util.Set;
        import pitr.migrate.api.Migration;
        import pitr.migrate.api.MigrationContext;
        import pitr.migrate.api.MigrationTable;
        import pitr.migrate.api.Update;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /**
         * TODO: say what this migration changes, in which table, and why.
         *
         * Execution Time: (not run yet)
         * Finalization Time: (not run yet)
         */
        class %s implements Migration {
          private static final String TABLE = "TODO-table";

          @Override
          public Set<String> tables() {
            return Set.of(TABLE);
          }

          @Override
          public Mono<Void> run(MigrationContext context) {
            MigrationTable table = context.table(TABLE);
            return table
                .forEachItem(
                    item -> table.update(item, Update.set("TODO", AttributeValue.fromS("TODO"))))
                .then();
          }
        }
        """
        .formatted(className(name));
  }
}
