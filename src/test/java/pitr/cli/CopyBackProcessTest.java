package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import pitr.copy.FileCheckpoints;
import pitr.copy.SegmentPosition;
import pitr.dynamo.LocalTarget;
import pitr.local.Faults;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Copy-back across real processes: a child JVM killed with SIGKILL mid-copy and resumed, and three
 * worker JVMs sharing one run. The engine is served over HTTP from this JVM; the children run
 * {@code pitr.cli.Main} from the test classpath.
 */
@ExtendWith(SharedEngine.class)
class CopyBackProcessTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int ITEMS = 8000;
  private static final int SEGMENTS = 4;
  private static final int SMALL_ITEMS = 6000;

  private static LocalCli cli;
  private static LocalTarget local;

  @TempDir Path dir;
  private final Map<Process, Path> children = new java.util.HashMap<>();

  @BeforeAll
  static void start(LocalCli shared) {
    cli = shared;
    local = shared.local;
    local.createTable("orders-rec");
    // Items of about 950 bytes: one write unit each, about 1,100 to a 1 MB scan page, so each of
    // the 4 segments (2,000 items) takes two pages and two checkpoints.
    fill("orders-rec", ITEMS, 900);
    local.createTable("small-rec");
    fill("small-rec", SMALL_ITEMS, 50);
  }

  /** Items 0 to {@code n - 1} straight into the engine: the fixture need not pay for HTTP. */
  private static void fill(String table, int n, int payload) {
    List<WriteRequest> batch = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      var item = LocalTarget.item(i, "good", payload);
      batch.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
      if (batch.size() == 25 || i == n - 1) {
        local.engine.batchWriteItem(
            BatchWriteItemRequest.builder().requestItems(Map.of(table, batch)).build());
        batch = new ArrayList<>();
      }
    }
  }

  /** The run's state as {@code pitr runs list --output json} reports it. */
  private String runState(Path state, String runId) throws Exception {
    CliRun list = cli.run("--output", "json", "runs", "list", "--state-dir", state.toString());
    assertThat(list.exitCode()).as(list.err()).isZero();
    for (JsonNode r : JSON.readTree(list.out())) {
      if (r.get("runId").asText().equals(runId)) {
        return r.get("state").asText();
      }
    }
    throw new AssertionError("no run " + runId + " in " + list.out());
  }

  @Test
  void copyBack_killedWithSigkillMidway_resumesOnlyWhatWasNotWrittenAndEndsIdentical()
      throws Exception {
    local.createTable("orders-killed");
    Path state = dir.resolve("state");
    Path run = state.resolve("runs").resolve("k1");
    Process child = copyInChild(state, "orders-rec", "orders-killed", "k1");
    try {
      // Two segments at a time at 2,000 WCU/s: the first segment is done after about two seconds,
      // half the copy; kill the process then.
      Poll.until(Duration.ofSeconds(60), "finished segment in " + run, () -> doneSegments(run) > 0);
      // While the child works on it, a resume is refused: two processes would copy it twice.
      CliRun early = cli.run("copy-back", "--resume", "k1", "--state-dir", state.toString());
      assertThat(early.exitCode()).as(early.err()).isEqualTo(2);
      assertThat(early.err())
          .contains("The copy-back run k1 is still running: host ")
          .contains(" pid " + child.pid() + " renewed its heartbeat at ")
          .contains("Nothing was written.");
      assertThat(runState(state, "k1")).isEqualTo("running");
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    assertThat(child.exitValue()).as("exit code of the killed process").isNotZero();
    // Reported dead at once, its lease not lapsed yet: its process on this host is gone.
    assertThat(runState(state, "k1")).isEqualTo("dead");
    // Resumed at once: the lease has not lapsed, but its process on this host is gone.
    long copied = local.count("orders-killed");
    assertThat(copied).isStrictlyBetween(0L, (long) ITEMS);

    Map<Integer, SegmentPosition> saved = FileCheckpoints.in(state).positions("k1").block();
    long done = saved.values().stream().filter(SegmentPosition::done).count();
    long remaining = remainingAfter(saved);
    assertThat(done).isPositive();
    assertThat(remaining).isPositive().isLessThan(ITEMS);

    CliRun resume =
        cli.run("--output", "json", "copy-back", "--resume", "k1", "--state-dir", state.toString());
    assertThat(resume.exitCode()).as(resume.err()).isZero();
    JsonNode result = JSON.readTree(resume.out());
    // Finished segments are skipped and unfinished ones restart after their last written page.
    assertThat(result.get("segmentsSkipped").asLong()).isEqualTo(done);
    assertThat(result.get("segmentsCopied").asLong()).isEqualTo(SEGMENTS - done);
    assertThat(result.get("itemsRead").asLong()).isEqualTo(remaining);
    assertThat(result.get("itemsWritten").asLong()).isEqualTo(remaining);
    assertThat(local.contents("orders-killed")).isEqualTo(local.contents("orders-rec"));
  }

  @Test
  void copyBack_stoppedWithSigterm_settlesPrintsTheResumeCommandExits130AndResumesToIdentical()
      throws Exception {
    local.createTable("orders-stopped");
    Path state = dir.resolve("state");
    Path run = state.resolve("runs").resolve("s1");
    Process child = copyInChild(state, "orders-rec", "orders-stopped", "s1");
    String resumeCommand =
        "pitr --endpoint-url "
            + local.endpoint()
            + " copy-back --resume s1 --state-dir "
            + ResumeCommands.quote(state.toString());
    try {
      Poll.until(
          Duration.ofSeconds(60),
          "resume line on stderr",
          () -> Files.readString(output(child, "err")).contains(resumeCommand));
      Poll.until(Duration.ofSeconds(60), "finished segment in " + run, () -> doneSegments(run) > 0);
      child.destroy(); // SIGTERM
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
    } finally {
      child.destroyForcibly();
    }
    String err = Files.readString(output(child, "err"));
    assertThat(child.exitValue()).as(err).isEqualTo(130);
    assertThat(err)
        .contains("Interrupted: finishing the writes in flight")
        .contains("Stopped by an interrupt after it wrote ")
        .contains("Resume with: " + resumeCommand);
    long copied = local.count("orders-stopped");
    assertThat(copied).isStrictlyBetween(0L, (long) ITEMS);
    // Settled: every page written was checkpointed and nothing after, so what is left to copy is
    // exactly what was not written.
    long remaining = remainingAfter(FileCheckpoints.in(state).positions("s1").block());
    assertThat(copied).isEqualTo(ITEMS - remaining);

    CliRun resume = cli.run("copy-back", "--resume", "s1", "--state-dir", state.toString());
    assertThat(resume.exitCode()).as(resume.err()).isZero();
    assertThat(local.contents("orders-stopped")).isEqualTo(local.contents("orders-rec"));
  }

  @Test
  void
      copyBack_killedWithItemsInItsFailureFileUnderThrottlingAnd500s_resumesToIdenticalAndExitsZero()
          throws Exception {
    local.createTable("orders-faulty");
    Path state = dir.resolve("state");
    Path failures = state.resolve("runs").resolve("f1").resolve("failures-1-of-1.jsonl");
    local.engine.setFaults(Faults.parse("throttle=0.05,error=0.3,seed=5"));
    try {
      Process child = copyInChild(state, "small-rec", "orders-faulty", "f1", "--retries", "0");
      try {
        Poll.until(
            Duration.ofSeconds(60),
            "100 records in " + failures,
            () -> Files.readAllLines(failures).size() >= 100);
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
      } finally {
        child.destroyForcibly();
      }
    } finally {
      local.engine.setFaults(Faults.NONE);
    }
    assertThat(local.count("orders-faulty")).isLessThan(SMALL_ITEMS);

    CliRun resume =
        cli.run("--output", "json", "copy-back", "--resume", "f1", "--state-dir", state.toString());

    assertThat(resume.exitCode()).as(resume.err()).isZero();
    JsonNode result = JSON.readTree(resume.out());
    assertThat(result.get("earlierFailuresRetried").asLong()).isGreaterThanOrEqualTo(100);
    assertThat(result.get("itemsFailed").asLong()).isZero();
    assertThat(result.at("/limits/maxWcu").asDouble()).isEqualTo(2000);
    assertThat(failures).doesNotExist();
    assertThat(Path.of(failures + ".resolved")).exists();
    assertThat(local.contents("orders-faulty")).isEqualTo(local.contents("small-rec"));
  }

  @Test
  void copyBack_inThreeWorkerProcessesSharingACheckpointTable_copiesEveryItemExactlyOnce()
      throws Exception {
    local.createTable("orders-workers");
    List<Process> workers = new ArrayList<>();
    try {
      for (int i = 1; i <= 3; i++) {
        workers.add(
            pitr(
                "--output",
                "json",
                "copy-back",
                "--from",
                "small-rec",
                "--to",
                "orders-workers",
                "--segments",
                "9",
                "--run-id",
                "w3",
                "--worker",
                i + "/3",
                "--checkpoint-table",
                "pitr-checkpoints-workers",
                "--state-dir",
                dir.resolve("state").toString()));
      }
      long written = 0;
      long segments = 0;
      for (int i = 0; i < 3; i++) {
        Process p = workers.get(i);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("worker %d finished", i + 1).isTrue();
        String out = Files.readString(output(p, "out"));
        assertThat(p.exitValue())
            .as("worker %d: %s", i + 1, Files.readString(output(p, "err")))
            .isZero();
        JsonNode result = JSON.readTree(out);
        assertThat(result.get("runId").asText()).isEqualTo("w3");
        written += result.get("itemsWritten").asLong();
        segments += result.get("segmentsCopied").asLong();
      }
      assertThat(written).isEqualTo(SMALL_ITEMS);
      assertThat(segments).isEqualTo(9);
    } finally {
      workers.forEach(Process::destroyForcibly);
    }
    assertThat(local.contents("orders-workers")).isEqualTo(local.contents("small-rec"));
  }

  /**
   * Starts a child JVM copying {@code from} to {@code to} as run {@code runId} with state in {@code
   * state}: {@value #SEGMENTS} segments, two at a time, at 2,000 WCU/s, with {@code extra}.
   */
  private Process copyInChild(Path state, String from, String to, String runId, String... extra)
      throws Exception {
    List<String> args =
        new ArrayList<>(
            List.of(
                "copy-back",
                "--from",
                from,
                "--to",
                to,
                "--segments",
                Integer.toString(SEGMENTS),
                "--concurrency",
                "2",
                "--max-wcu",
                "2000",
                "--run-id",
                runId,
                "--state-dir",
                state.toString()));
    args.addAll(List.of(extra));
    return pitr(args.toArray(String[]::new));
  }

  /** Starts {@code pitr --endpoint-url <engine> args...} in a child JVM, output to files. */
  private Process pitr(String... args) throws Exception {
    // A small, quick-starting JVM: the copies are rate-limited, not CPU-bound.
    List<String> command = ChildJvm.pitr("--endpoint-url", local.endpoint());
    command.addAll(List.of(args));
    Path logs = Files.createTempDirectory(dir, "child");
    Process p =
        new ProcessBuilder(command)
            .redirectOutput(logs.resolve("out").toFile())
            .redirectError(logs.resolve("err").toFile())
            .start();
    children.put(p, logs);
    return p;
  }

  private Path output(Process p, String name) {
    return children.get(p).resolve(name);
  }

  private static long doneSegments(Path run) throws Exception {
    if (!Files.isDirectory(run)) {
      return 0;
    }
    long done = 0;
    try (Stream<Path> files = Files.list(run)) {
      for (Path f : files.toList()) {
        if (f.getFileName().toString().matches("segment-\\d+\\.json")
            && JSON.readTree(f.toFile()).path("done").asBoolean()) {
          done++;
        }
      }
    }
    return done;
  }

  /** Items of the unfinished segments after their saved positions: what a resume must read. */
  private static long remainingAfter(Map<Integer, SegmentPosition> saved) {
    long n = 0;
    for (int s = 0; s < SEGMENTS; s++) {
      SegmentPosition p = saved.get(s);
      if (p != null && p.done()) {
        continue;
      }
      n += local.count("orders-rec", s, SEGMENTS, p == null ? null : p.resumeAfter());
    }
    return n;
  }
}
