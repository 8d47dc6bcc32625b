package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code migrate prod|resume --worker I/N --run-id R} and {@code --workers N}: bad input is refused
 * with exit code 2 and a message naming the option and the fix, before anything is written (not
 * even the ledger).
 */
class MigrateWorkersCliTest extends MigrateEngineFixture {
  private CliRun prod(Map<String, String> env, String... extra) throws Exception {
    Path m = dir.resolve("migrations");
    Files.createDirectories(m);
    Files.copy(
        Path.of("migrations", "0001_cars_get_a_price.java"),
        m.resolve("0001_cars_get_a_price.java"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    CliRun run = new CliRun();
    run.root().target.env = env;
    List<String> args =
        new ArrayList<>(
            List.of(
                "--endpoint-url",
                endpoint,
                "migrate",
                "prod",
                "0001",
                "--yes",
                "--migrations-dir",
                m.toString()));
    args.addAll(List.of(extra));
    code = run.execute(args.toArray(String[]::new));
    return run;
  }

  private int code;

  private void assertNothingWritten() {
    assertThat(client.listTables().join().tableNames()).doesNotContain("pitr-ledger");
  }

  @Test
  void prod_withOneWorkerAndARunId_exitsTwo() throws Exception {
    CliRun run = prod(Map.of(), "--workers", "1", "--run-id", "r1");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --run-id names the run of several workers, and --workers 1 is a run of one"
                + " process; drop --run-id, or pass --workers N with N > 1\n");
    assertNothingWritten();
  }

  @Test
  void prod_withAWorkerIndexOutOfRange_exitsTwo() throws Exception {
    CliRun run = prod(Map.of(), "--worker", "4/3", "--run-id", "r1");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker 4/3 is invalid; pass I/N with 1 <= I <= N, e.g. --worker 1/3\n");
    assertNothingWritten();
  }

  @Test
  void prod_withWorkerAutoAndAnArrayIndexOutsideN_exitsTwo() throws Exception {
    CliRun run =
        prod(Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "3"), "--worker", "auto/3", "--run-id", "r1");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker auto/3: AWS_BATCH_JOB_ARRAY_INDEX is 3, outside 0-2; the array job's"
                + " size must equal N, so submit it with size 3 or pass --worker auto/N with N its"
                + " size\n");
    assertNothingWritten();
  }

  @Test
  void prod_withAWorkerButNoRunId_exitsTwo() throws Exception {
    CliRun run = prod(Map.of(), "--worker", "1/3");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --worker 1/3 needs --run-id RUN_ID, the run its 3 workers share; give each"
                + " worker the same one, e.g. --run-id 0001-1\n");
    assertNothingWritten();
  }

  @Test
  void prod_withARunIdButNoWorker_exitsTwo() throws Exception {
    CliRun run = prod(Map.of(), "--run-id", "r1");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --run-id names the run of several workers; pass --workers N (every worker"
                + " here) or --worker I/N (one of them) with it, or leave --run-id out for a run of"
                + " one process\n");
    assertNothingWritten();
  }

  @Test
  void prod_withAWorkerAndBackup_exitsTwo() throws Exception {
    CliRun run = prod(Map.of(), "--worker", "1/3", "--run-id", "r1", "--backup");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).startsWith("error: --backup is for a run of one process: each of the 3");
    assertNothingWritten();
  }

  @Test
  void prod_withABadRunId_exitsTwo() throws Exception {
    CliRun run = prod(Map.of(), "--worker", "1/3", "--run-id", "../x");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).contains("'../x' is not a run id");
    assertNothingWritten();
  }
}
