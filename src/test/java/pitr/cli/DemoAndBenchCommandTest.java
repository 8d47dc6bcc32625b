package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DemoAndBenchCommandTest {
  @Test
  void localDemo_recoversEveryDamagedItem_andExitsZero() {
    CliRun run = new CliRun();

    int code = run.execute("local", "demo", "--items", "600");

    assertThat(code).isZero();
    assertThat(run.out())
        .contains("2. Seed 600 cars with a price")
        .contains("   190 prices zeroed, 30 cars deleted")
        .contains("   220 items differ; copying them back")
        .contains("items still wrong or missing: 0")
        .contains("RESULT: table verified identical to its state before the migration");
  }

  @Test
  void localDemo_withItemsOutOfRange_isAUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("local", "demo", "--items", "0");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).contains("--items must be between 1 and 1000000");
  }

  @Test
  void benchRestore_restoresEveryItem() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "restore", "--items", "2000");

    assertThat(code).isZero();
    assertThat(run.out()).contains("| 2,000 | 200 |").contains("| 2,000 |\n");
  }

  @Test
  void benchEngine_withZeroSeconds_isAUsageError() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "engine", "--seconds", "0");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).contains("--seconds and --rounds must be at least 1");
  }
}
