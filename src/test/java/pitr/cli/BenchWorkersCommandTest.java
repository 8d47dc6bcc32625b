package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code pitr bench workers} refuses values out of range before starting anything. */
class BenchWorkersCommandTest {
  @Test
  void benchWorkers_withZeroWorkers_exitsTwoNamingTheRange() {
    CliRun run = new CliRun();

    int code = run.execute("bench", "workers", "--workers", "0");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).contains("--workers").contains("1-10,000");
    assertThat(run.out()).isEmpty();
  }
}
