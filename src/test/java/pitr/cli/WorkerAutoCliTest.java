package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerAutoCliTest {
  @TempDir Path state;

  @Test
  void copyBack_workerAutoOutsideAnArrayJob_exits2AndWritesNothing() throws Exception {
    CliRun run = new CliRun();
    run.root().target.env = Map.of();

    int code =
        run.execute(
            "--local",
            "copy-back",
            "--from",
            "orders-rec",
            "--to",
            "orders",
            "--worker",
            "auto/3",
            "--state-dir",
            state.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "--worker auto/3 takes the worker from AWS_BATCH_JOB_ARRAY_INDEX, which is not set");
    try (var files = Files.list(state)) {
      assertThat(files).isEmpty();
    }
  }

  @Test
  void copyBack_workerAutoWithIndexOutOfRange_exits2() {
    CliRun run = new CliRun();
    run.root().target.env = Map.of("AWS_BATCH_JOB_ARRAY_INDEX", "5");

    int code =
        run.execute(
            "--local",
            "copy-back",
            "--from",
            "orders-rec",
            "--to",
            "orders",
            "--worker",
            "auto/3",
            "--state-dir",
            state.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).contains("AWS_BATCH_JOB_ARRAY_INDEX is 5, outside 0-2");
  }
}
