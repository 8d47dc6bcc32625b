package pitr.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.cli.Main;

/**
 * The benchmarks that run {@code pitr copy-back} in child JVMs run it uncapped: the command's
 * default cap, meant for live tables, would make them measure the cap instead of the copy (the HTTP
 * copy once reported 1,000 items/s, a fifth of the boto3 peer's rate, for that reason). Each child
 * logs the limits it runs with.
 */
class ChildCopiesTest {
  @TempDir Path dir;

  @Test
  void copyBackOverHttp_runsItsChildWithoutAWriteCap() throws IOException {
    new CopyBackBenchmark(line -> {}, Main.class)
        .run(
            new CopyBackBenchmark.Options(
                200, 50, 1, 1, 4, 0, 0, Duration.ofSeconds(1), "256m", null, 2, dir));

    assertThat(Files.readString(dir.resolve("child-1.log")))
        .contains("written=200")
        .contains("--max-wcu none");
  }

  @Test
  void workers_runEveryWorkerWithoutAWriteCap() throws IOException {
    new WorkersBenchmark(line -> {}, Main.class)
        .run(new WorkersBenchmark.Options(200, 50, 2, 2, 1, "256m", dir));

    List<Path> logs;
    try (Stream<Path> files = Files.list(dir)) {
      logs = files.filter(f -> f.toString().endsWith(".log")).sorted().toList();
    }
    // One run by one worker, one by two.
    assertThat(logs).hasSize(3);
    for (Path log : logs) {
      assertThat(Files.readString(log)).as(log.toString()).contains("--max-wcu none");
    }
  }
}
