package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.copy.CopyRunRecord;
import pitr.copy.FileCheckpoints;
import pitr.copy.RunJob;
import pitr.copy.RunOwner;
import pitr.copy.SegmentPosition;
import pitr.copy.Worker;
import pitr.copy.WorkerProgress;
import pitr.local.AdjustableClock;

/**
 * {@code pitr runs show RUN_ID [--watch]} of a run of three workers, recorded through the
 * checkpoint store itself: each worker's state, progress, rates and failures, the resume command of
 * a failed worker, and a watch that refreshes until every worker is done or failed, on an injected
 * clock and pause (no real sleep).
 */
class RunsShowWorkersTest {
  private static final Instant START = Instant.parse("2026-12-01T03:00:00Z");
  private static final String OWNER = RunOwner.current().describe();

  @TempDir Path state;
  private final AdjustableClock clock = AdjustableClock.startingAt(START);
  private FileCheckpoints store;

  @BeforeEach
  void openRun() {
    store = FileCheckpoints.in(state);
    store.open(CopyRunRecord.opened("w1", "plan 3f2a in chunks of 1", "orders", 6, null)).block();
  }

  private void beat(int index, Duration at, boolean finished, long items, long failed) {
    store
        .heartbeat(
            "w1",
            new Worker(index, 3),
            START.plus(at),
            finished,
            new WorkerProgress(START, items, items * 2.0, failed))
        .block();
  }

  private void done(int... chunks) {
    for (int c : chunks) {
      store.save("w1", new SegmentPosition(c, null, true)).block();
    }
  }

  private int code;

  private CliRun show(RunsCommand.Pause pause, String... extra) {
    CliRun run = new CliRun();
    RunsCommand runs = (RunsCommand) run.commandLine.getSubcommands().get("runs").getCommand();
    runs.clock = clock;
    runs.pause = pause;
    List<String> args =
        new ArrayList<>(List.of("runs", "show", "w1", "--state-dir", state.toString()));
    args.addAll(List.of(extra));
    code = run.execute(args.toArray(String[]::new));
    return run;
  }

  @Test
  void runsShow_ofAThreeWorkerRun_showsEachWorkersStateProgressRatesAndHowToResumeAFailedOne() {
    // Worker 1 finished its chunks 0 and 3 in 10 s; worker 2 did chunk 1 and died; 3 never began.
    beat(1, Duration.ofSeconds(10), true, 200, 0);
    beat(2, Duration.ofSeconds(4), false, 50, 1);
    done(0, 3, 1);
    clock.advance(Duration.ofMinutes(5));

    CliRun run = show(d -> {});

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .endsWith(
            "workers:        3\n"
                + "progress:       3 of 6 chunks done\n"
                + "  worker  state     chunks         items   items/s     WCU/s  failed  job /"
                + " process\n"
                + "  1/3     done      2/2              200      20.0      40.0       0  "
                + OWNER
                + "\n"
                + "  2/3     failed    1/2               50      12.5      25.0       1  "
                + OWNER
                + "\n"
                + "  3/3     pending   0/2                -         -         -       -  -\n"
                + "resume 2/3:     pitr rollback --apply PLAN --resume w1 --worker 2/3 --state-dir "
                + state
                + "\n");
  }

  @Test
  void runsShow_watch_refreshesUntilEveryWorkerIsDone_andExitsZero() {
    beat(1, Duration.ofSeconds(1), false, 0, 0);
    List<Duration> pauses = new ArrayList<>();

    CliRun run =
        show(
            d -> {
              pauses.add(d);
              clock.advance(Duration.ofSeconds(2));
              Duration now = Duration.ofSeconds(2L * pauses.size());
              // Each look, one more worker finishes its share.
              int w = pauses.size();
              done(w - 1, w + 2);
              beat(w, now, true, 100, 0);
            },
            "--watch",
            "--poll-interval",
            "2s");

    assertThat(code).as(run.err()).isZero();
    assertThat(pauses)
        .containsExactly(Duration.ofSeconds(2), Duration.ofSeconds(2), Duration.ofSeconds(2));
    assertThat(run.out().split("progress:", -1)).hasSize(5);
    assertThat(run.out())
        .contains("progress:       0 of 6 chunks done\n")
        .endsWith(
            "progress:       6 of 6 chunks done\n"
                + "  worker  state     chunks         items   items/s     WCU/s  failed  job /"
                + " process\n"
                + "  1/3     done      2/2              100      50.0     100.0       0  "
                + OWNER
                + "\n"
                + "  2/3     done      2/2              100      25.0      50.0       0  "
                + OWNER
                + "\n"
                + "  3/3     done      2/2              100      16.7      33.3       0  "
                + OWNER
                + "\n");
  }

  @Test
  void runsShow_watch_stopsWhenTheOthersAreDoneAndOneFailed_andExitsOne() {
    beat(1, Duration.ofSeconds(1), true, 100, 0);
    beat(3, Duration.ofSeconds(1), true, 100, 0);
    beat(2, Duration.ofSeconds(1), false, 10, 0);
    List<Duration> pauses = new ArrayList<>();

    CliRun run =
        show(
            d -> {
              pauses.add(d);
              // Worker 2's lease lapses: its process is gone.
              clock.advance(Duration.ofMinutes(10));
            },
            "--watch");

    assertThat(code).isEqualTo(1);
    assertThat(pauses).containsExactly(Duration.ofSeconds(10));
    assertThat(run.out())
        .endsWith(
            "resume 2/3:     pitr rollback --apply PLAN --resume w1 --worker 2/3 --state-dir "
                + state
                + "\n");
    assertThat(run.err())
        .isEqualTo(
            "error: Run w1 has failed workers; resume each with the command shown for it, then"
                + " watch again\n");
  }

  @Test
  void runsShow_watchWithAPollIntervalOutOfRange_exitsTwo() {
    CliRun run = show(d -> {}, "--watch", "--poll-interval", "1h");

    assertThat(code).isEqualTo(2);
    assertThat(run.err()).contains("--poll-interval");
  }

  @Test
  void runsShow_whenOneWorkerFinishedAndTheOthersHaveNotStarted_saysPendingNotDead() {
    beat(1, Duration.ofSeconds(10), true, 200, 0);
    done(0, 3);
    clock.advance(Duration.ofMinutes(5));

    CliRun run = show(d -> {});

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("state:          pending\n")
        .contains(
            "next:           wait for its workers to start (pitr runs show w1 --state-dir "
                + state
                + " says which has not), or start the missing one with pitr rollback --apply PLAN"
                + " --worker I/N --resume w1 --state-dir "
                + state
                + "\n")
        .contains("  2/3     pending   0/2                -         -         -       -  -\n")
        .contains("  3/3     pending   0/2                -         -         -       -  -\n")
        .doesNotContain("dead")
        .doesNotContain("failed   ");
  }

  @Test
  void runsShow_ofASubmittedRunWhoseWorkersHaveNotStarted_saysPendingWithItsJob() {
    store
        .saveJob(
            "s1",
            new RunJob(
                "job-7",
                "pitr-queue",
                3,
                START,
                List.of(
                    "copy-back",
                    "--from",
                    "orders-rec",
                    "--to",
                    "orders",
                    "--run-id",
                    "s1",
                    "--worker",
                    "auto/3")))
        .block();
    CliRun run = new CliRun();
    RunsCommand runs = (RunsCommand) run.commandLine.getSubcommands().get("runs").getCommand();
    runs.clock = clock;
    runs.batchStates =
        ids -> {
          Map<String, String> states = new LinkedHashMap<>();
          ids.forEach(id -> states.put(id, "RUNNABLE"));
          return states;
        };

    code = run.execute("runs", "show", "s1", "--state-dir", state.toString());

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith(
            "run:            s1\n"
                + "kind:           copy-back\n"
                + "copies:         orders-rec -> orders\n"
                + "segments:       not known until a worker starts\n"
                + "state:          pending\n")
        .contains("workers:        3 (AWS Batch job job-7, queue pitr-queue)\n")
        .contains(
            "  1/3     pending   0/0                -         -         -       -  job-7:0 RUNNABLE\n")
        .contains(
            "  3/3     pending   0/0                -         -         -       -  job-7:2 RUNNABLE\n");
    assertThat(run.err()).isEmpty();
  }
}
