package pitr.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shared setup of the copy-back command tests: the run's {@link SharedEngine}, and for each
 * test a state folder and {@link CopyBackTables} with it, whose tables and faults are cleared after
 * the test.
 */
@ExtendWith(SharedEngine.class)
abstract class CopyBackFixture {
  static LocalCli cli;

  @TempDir Path state;
  CopyBackTables tables;

  @BeforeAll
  static void start(LocalCli shared) {
    cli = shared;
  }

  @BeforeEach
  void tables() {
    tables = new CopyBackTables(cli, state);
  }

  @AfterEach
  void clear() {
    tables.clear();
  }
}
