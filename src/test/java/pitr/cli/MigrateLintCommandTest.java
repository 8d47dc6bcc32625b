package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code pitr migrate lint} where there is nothing to lint: it never passes by checking nothing.
 */
class MigrateLintCommandTest {
  @TempDir Path dir;

  @Test
  void lint_ofAFolderThatDoesNotExist_exits2NamingIt() {
    Path missing = dir.resolve("migratoins");
    CliRun run = new CliRun();

    int code = run.execute("migrate", "lint", "--migrations-dir", missing.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Migrations folder "
                + missing
                + " does not exist; pass --migrations-dir DIR, the folder of the NNNN_name.java"
                + " files (the default, migrations, is read from the folder pitr runs in)\n");
    assertThat(run.out()).isEmpty();
    assertThat(missing).doesNotExist();
  }

  @Test
  void lint_ofAnEmptyFolder_saysThereWasNothingToLint() throws Exception {
    Path empty = Files.createDirectories(dir.resolve("migrations"));
    CliRun run = new CliRun();

    int code = run.execute("migrate", "lint", "--migrations-dir", empty.toString());

    assertThat(code).isZero();
    assertThat(run.err())
        .isEqualTo(
            "No migrations in "
                + empty
                + " to lint (files named NNNN_snake_case_name.java); 'pitr migrate new NAME'"
                + " writes one\n");
  }

  @Test
  void new_ofANameThatIsNotSnakeCase_exits2SuggestingIt_andWritesNothing() throws Exception {
    Path m = Files.createDirectories(dir.resolve("migrations"));
    CliRun run = new CliRun();

    int code = run.execute("migrate", "new", "add-status", "--migrations-dir", m.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Migration name add-status is not snake_case; use lower-case words joined by"
                + " _, e.g. add_status\n");
    try (var files = Files.list(m)) {
      assertThat(files).isEmpty();
    }
  }
}
