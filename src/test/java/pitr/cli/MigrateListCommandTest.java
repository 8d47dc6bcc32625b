package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrateListCommandTest {
  @TempDir Path dir;

  @Test
  void migrateList_showsAMisnamedFile_thatDevCannotFind_andSaysHowToRenameIt() throws Exception {
    new CliRun().execute("migrate", "new", "--migrations-dir", dir.toString(), "cars_get_a_price");
    Files.writeString(dir.resolve("2_add_colour.java"), "class X {}");
    CliRun run = new CliRun();

    int code = run.execute("migrate", "list", "--local", "--migrations-dir", dir.toString());

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("\n0001_cars_get_a_price                pending      -     -")
        .contains(
            "\n2_add_colour.java                    misnamed     -     -                    -"
                + "                    not a migration: rename it NNNN_snake_case_name.java, or"
                + " dev and prod cannot find it\n");
  }

  @Test
  void migrateList_withOutputJson_listsAMisnamedFileAsARow() throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("add-colour.java"), "class X {}");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate", "list", "--local", "--migrations-dir", dir.toString(), "--output", "json");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("\"name\" : \"add-colour.java\"")
        .contains("\"state\" : \"misnamed\"");
  }
}
