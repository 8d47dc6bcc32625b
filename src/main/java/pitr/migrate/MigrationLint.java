package pitr.migrate;

import java.util.ArrayList;
import java.util.List;
import pitr.PitrException;

/**
 * {@code pitr migrate lint}: compiles every migration in the folder, applies the import rules and
 * checks that each declares exactly one class implementing the API. Writes nothing.
 */
public final class MigrationLint {
  private final MigrationCatalog catalog;

  public MigrationLint(MigrationCatalog catalog) {
    this.catalog = catalog;
  }

  /**
   * Problems of one file; empty when it is fine.
   *
   * @param name the migration (or file) name
   * @param problems each problem, with file, line and column where known
   */
  public record Result(String name, List<String> problems) {
    public boolean ok() {
      return problems.isEmpty();
    }
  }

  /** Lints every file, in order; misnamed {@code .java} files are problems too. */
  public List<Result> lintAll() {
    MigrationCompiler compiler = MigrationCompiler.forDirectory(catalog.dir());
    List<Result> out = new ArrayList<>();
    for (var misnamed : catalog.misnamed()) {
      out.add(
          new Result(
              misnamed.getFileName().toString(),
              List.of(
                  misnamed
                      + ": file name is not NNNN_snake_case_name.java; rename it, e.g."
                      + " 0042_add_price.java")));
    }
    for (MigrationFile f : catalog.all()) {
      out.add(lint(compiler, f));
    }
    return out;
  }

  static Result lint(MigrationCompiler compiler, MigrationFile f) {
    MigrationCompiler.Compilation c = compiler.compile(f);
    List<String> problems = new ArrayList<>(c.errors());
    problems.addAll(c.lint());
    if (problems.isEmpty()) {
      try {
        compiler.instantiate(c);
      } catch (PitrException e) {
        problems.add(e.getMessage());
      }
    }
    return new Result(f.name(), List.copyOf(problems));
  }
}
