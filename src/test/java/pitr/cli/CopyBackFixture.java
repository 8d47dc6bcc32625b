package pitr.cli;

import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.EngineConfig;

/**
 * The shared setup of the copy-back command tests: the run's {@link SharedEngine}, and for each
 * test a state folder and {@link CopyBackTables} with it, whose tables and faults are cleared after
 * the test.
 */
@ExtendWith(SharedEngine.class)
abstract class CopyBackFixture {
  private static LocalCli shared;

  @TempDir Path state;

  /** The engine of the test: the shared one, or its own after {@link #onOnDemandAtOneWcu}. */
  LocalCli cli;

  CopyBackTables tables;
  private LocalCli own;

  @BeforeAll
  static void start(LocalCli engine) {
    shared = engine;
  }

  @BeforeEach
  void tables() {
    cli = shared;
    tables = new CopyBackTables(cli, state);
  }

  /**
   * Moves the test to an engine of its own, closed after it, that lets on-demand tables take 1
   * WCU/s: writes are throttled where the copy cannot see it coming (a provisioned table's capacity
   * would set its starting rate).
   */
  void onOnDemandAtOneWcu() {
    own = new LocalCli(EngineConfig.defaults().withOnDemandCeiling(0, 1));
    cli = own;
    tables = new CopyBackTables(cli, state);
  }

  @AfterEach
  void clear() {
    tables.clear();
    if (own != null) {
      own.close();
    }
  }
}
