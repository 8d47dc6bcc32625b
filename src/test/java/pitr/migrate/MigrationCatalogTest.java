package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.ErrorCode;
import pitr.PitrException;

class MigrationCatalogTest {
  @TempDir Path dir;

  @Test
  void create_ofANameThatIsNotSnakeCase_suggestsItsSnakeCase_andWritesNoFile() throws Exception {
    MigrationCatalog catalog = new MigrationCatalog(dir);

    for (String[] c :
        new String[][] {
          {"add-status", "add_status"},
          {"add status", "add_status"},
          {"AddStatusToOrders", "add_status_to_orders"},
          {"2fa--Flags_", "fa_flags"},
          {"---", "cars_get_a_price"}
        }) {
      assertThatThrownBy(() -> catalog.create(c[0]))
          .isInstanceOf(PitrException.class)
          .satisfies(e -> assertThat(((PitrException) e).code()).isEqualTo(ErrorCode.USAGE))
          .hasMessage(
              "Migration name "
                  + c[0]
                  + " is not snake_case; use lower-case words joined by _, e.g. "
                  + c[1]);
    }
    try (var files = Files.list(dir)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void find_ofATypo_suggestsTheNearestMigrations() {
    MigrationCatalog catalog = new MigrationCatalog(dir);
    catalog.create("cars_get_a_price");
    catalog.create("remove_root_url");

    assertThatThrownBy(() -> catalog.resolve("cars_get_price"))
        .hasMessageContaining("0001_cars_get_a_price");
  }

  @Test
  void resolve_inAFolderThatDoesNotExist_namesTheFolderInFull_notAMissingMigration() {
    Path missing = Path.of("no-such-migrations");

    assertThatThrownBy(() -> new MigrationCatalog(missing).resolve("0001"))
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "Migrations folder no-such-migrations does not exist ("
                + missing.toAbsolutePath().normalize()
                + "); pass --migrations-dir DIR, the folder of the NNNN_name.java files (the"
                + " default, migrations, is read from the folder pitr runs in)");
  }
}
