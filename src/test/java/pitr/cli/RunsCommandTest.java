package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import pitr.copy.Checkpoints;
import pitr.copy.CopyRunRecord;
import pitr.copy.FileCheckpoints;
import pitr.copy.RunOwner;
import pitr.copy.RunState;
import pitr.copy.TableCheckpoints;
import pitr.copy.Worker;
import pitr.restore.RecoveryTags;

/**
 * {@code pitr runs list|show|abandon} and {@code pitr drop} against runs that are running, dead,
 * finished and abandoned: exit codes, messages, JSON, and that a refused command changes nothing.
 * Runs are recorded through the checkpoint store itself; a dead run's heartbeat is long past, a
 * running run's is now.
 */
@ExtendWith(SharedEngine.class)
class RunsCommandTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Instant LONG_AGO = Instant.parse("2024-05-01T03:00:00Z");
  private static final String OWNER = RunOwner.current().describe();

  private static LocalCli cli;

  @TempDir Path state;
  private final Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);

  @BeforeAll
  static void start(LocalCli shared) {
    cli = shared;
  }

  private FileCheckpoints store() {
    return FileCheckpoints.in(state);
  }

  /** A copy-back run from {@code source} to {@code target} whose worker beat at {@code at}. */
  private static void run(
      Checkpoints store, String id, String source, String target, Instant at, boolean finished) {
    store.open(CopyRunRecord.opened(id, source, target, 4, null)).block();
    store.heartbeat(id, Worker.ALL, at, finished).block();
  }

  private void run(String id, Instant at, boolean finished) {
    run(store(), id, "orders-rec", "orders", at, finished);
  }

  /** An empty table tagged as a recovery of {@code of}, which drop accepts. */
  private static void recoveryTable(String name, String of) {
    cli.local.createTable(name);
    String arn = cli.local.client.describeTable(r -> r.tableName(name)).join().table().tableArn();
    cli.local
        .client
        .tagResource(r -> r.resourceArn(arn).tags(t -> t.key(RecoveryTags.RECOVERY_OF).value(of)))
        .join();
  }

  private int pitr(String... args) {
    return cli.exitWithState(state, args);
  }

  private int pitrAnswering(String answer, String... args) {
    InputStream in = System.in;
    System.setIn(new ByteArrayInputStream(answer.getBytes()));
    try {
      return pitr(args);
    } finally {
      System.setIn(in);
    }
  }

  private RunState state(String id) {
    return store().find(id).block().state(Instant.now());
  }

  @Test
  void runsList_showsEachRunWithKindSourceTargetStateOwnerAndLastHeartbeat() {
    run("dead1", LONG_AGO, false);
    run("live1", now, false);
    run("done1", LONG_AGO.plusSeconds(60), true);
    store()
        .open(CopyRunRecord.opened("p1", "plan 3f2a in chunks of 100", "orders", 2, null))
        .block();

    assertThat(pitr("runs", "list")).isZero();

    List<String> lines = cli.last.out().lines().toList();
    assertThat(lines).hasSize(5);
    assertThat(lines.get(0)).matches("RUN +KIND +SOURCE -> TARGET +STATE +OWNER +LAST HEARTBEAT");
    assertThat(lines.get(1))
        .matches("live1 +copy-back +orders-rec -> orders +running +\\Q" + OWNER + "\\E +" + now);
    assertThat(lines.get(2))
        .matches(
            "done1 +copy-back +orders-rec -> orders +finished +\\Q"
                + OWNER
                + "\\E +2024-05-01T03:01:00Z");
    assertThat(lines.get(3))
        .matches(
            "dead1 +copy-back +orders-rec -> orders +dead +\\Q"
                + OWNER
                + "\\E +2024-05-01T03:00:00Z");
    assertThat(lines.get(4))
        .matches("p1 +rollback +plan 3f2a in chunks of 100 -> orders +pending +- +-");
    // Columns line up: every state starts where the header's does.
    int column = lines.get(0).indexOf("STATE");
    assertThat(lines.subList(1, 5))
        .allSatisfy(
            l -> assertThat(l.substring(column)).matches("(running|finished|dead|pending) .*"));
  }

  @Test
  void runsList_withoutRuns_saysWhereItLooked() {
    assertThat(pitr("runs", "list")).isZero();
    assertThat(cli.last.out()).isEqualTo("No runs in " + state.resolve("runs") + ".\n");
  }

  @Test
  void runsList_asJson_printsEveryFieldOfEachRun() throws Exception {
    run("dead1", LONG_AGO, false);

    assertThat(pitr("--output", "json", "runs", "list")).isZero();

    JsonNode runs = JSON.readTree(cli.last.out());
    assertThat(runs).hasSize(1);
    JsonNode r = runs.get(0);
    assertThat(r.get("runId").asText()).isEqualTo("dead1");
    assertThat(r.get("kind").asText()).isEqualTo("copy-back");
    assertThat(r.get("source").asText()).isEqualTo("orders-rec");
    assertThat(r.get("target").asText()).isEqualTo("orders");
    assertThat(r.get("segments").asInt()).isEqualTo(4);
    assertThat(r.get("state").asText()).isEqualTo("dead");
    assertThat(r.get("owner").get("host").asText()).isEqualTo(RunOwner.current().host());
    assertThat(r.get("owner").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(r.get("heartbeat").asText()).isEqualTo("2024-05-01T03:00:00Z");
    assertThat(r.get("leaseExpires").asText()).isEqualTo("2024-05-01T03:01:30Z");
    assertThat(r.get("abandonedAt").isNull()).isTrue();
    assertThat(r.get("checkpoints").asText()).isEqualTo(state.resolve("runs").toString());
  }

  @Test
  void runsList_withACheckpointTable_listsItsRunsAfterTheStateDirectorys() throws Exception {
    run("dead1", LONG_AGO, false);
    run(
        TableCheckpoints.in(cli.local.gateway(), "runs-list-checkpoints"),
        "t1",
        "a-rec",
        "a",
        now,
        false);

    assertThat(
            pitr("--output", "json", "runs", "list", "--checkpoint-table", "runs-list-checkpoints"))
        .as(cli.last.err())
        .isZero();

    JsonNode runs = JSON.readTree(cli.last.out());
    assertThat(runs).hasSize(2);
    assertThat(runs.get(0).get("runId").asText()).isEqualTo("dead1");
    assertThat(runs.get(1).get("runId").asText()).isEqualTo("t1");
    assertThat(runs.get(1).get("state").asText()).isEqualTo("running");
    assertThat(runs.get(1).get("checkpoints").asText()).isEqualTo("table runs-list-checkpoints");
  }

  @Test
  void runsShow_ofADeadRun_printsItsOwnerAndHeartbeatAndHowToResumeOrAbandonIt() {
    run("dead1", LONG_AGO, false);

    assertThat(pitr("runs", "show", "dead1")).isZero();

    assertThat(cli.last.out())
        .isEqualTo(
            "run:            dead1\n"
                + "kind:           copy-back\n"
                + "copies:         orders-rec -> orders\n"
                + "segments:       4\n"
                + "state:          dead\n"
                + "owner:          "
                + OWNER
                + "\n"
                + "last heartbeat: 2024-05-01T03:00:00Z\n"
                + "lease until:    2024-05-01T03:01:30Z\n"
                + "checkpoints:    "
                + state.resolve("runs")
                + "\n"
                + "next:           resume it with pitr --endpoint-url "
                + cli.local.endpoint()
                + " copy-back --resume dead1 --state-dir "
                + state
                + ", or release it with pitr --endpoint-url "
                + cli.local.endpoint()
                + " runs abandon dead1 --state-dir "
                + state
                + "\n");
  }

  @Test
  void runsShow_asJson_printsTheRun() throws Exception {
    run("live1", now, false);

    assertThat(pitr("--output", "json", "runs", "show", "live1")).isZero();

    JsonNode r = JSON.readTree(cli.last.out());
    assertThat(r.get("runId").asText()).isEqualTo("live1");
    assertThat(r.get("state").asText()).isEqualTo("running");
    assertThat(r.get("heartbeat").asText()).isEqualTo(now.toString());
    assertThat(r.get("leaseExpires").asText()).isEqualTo(now.plusSeconds(90).toString());
  }

  @Test
  void runsShow_ofAnUnknownRun_exitsWithTwoNamingWhereItLooked() {
    assertThat(pitr("runs", "show", "nope")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: No run nope in "
                + state.resolve("runs")
                + "; see pitr runs list, and check --state-dir or --checkpoint-table\n");
  }

  @Test
  void runsAbandon_ofARunningRun_isRefusedWithThreeNamingItsOwnerAndChangesNothing() {
    run("live1", now, false);

    assertThat(pitr("runs", "abandon", "live1", "--yes")).isEqualTo(3);

    assertThat(cli.last.err())
        .isEqualTo(
            "error: Run live1 is running: last heartbeat at "
                + now
                + " from "
                + OWNER
                + ", lease until "
                + now.plusSeconds(90)
                + "; stop that process first (the run is reported dead once its lease lapses, at once when it ran on this host), or"
                + " pass --force if you are sure it is gone\n");
    assertThat(state("live1")).isEqualTo(RunState.RUNNING);
  }

  @Test
  void runsAbandon_ofARunningRunWithForce_abandonsItAndSaysToStopItsProcess() {
    run("live1", now, false);

    assertThat(pitr("runs", "abandon", "live1", "--yes", "--force")).isZero();

    assertThat(cli.last.out())
        .isEqualTo(
            "Abandoned run live1: pitr drop no longer waits for it, and it cannot be resumed; to"
                + " copy again, start a new copy-back.\n"
                + "Its process ("
                + OWNER
                + ") renewed its lease until "
                + now.plusSeconds(90)
                + " and may still be working: stop it.\n");
    assertThat(state("live1")).isEqualTo(RunState.ABANDONED);
  }

  @Test
  void runsAbandon_whenNotConfirmed_isRefusedWithThreeAndChangesNothing() {
    run("dead1", LONG_AGO, false);

    assertThat(pitrAnswering("n\n", "runs", "abandon", "dead1")).isEqualTo(3);

    assertThat(cli.last.err())
        .isEqualTo(
            "Abandon run dead1 (copy-back orders-rec -> orders, dead, last heartbeat at"
                + " 2024-05-01T03:00:00Z from "
                + OWNER
                + ")? It cannot be resumed afterwards. [y/N] error: Abandoning run dead1 was not"
                + " confirmed; nothing changed. Answer y or pass --yes\n");
    assertThat(state("dead1")).isEqualTo(RunState.DEAD);
  }

  @Test
  void runsAbandon_ofAFinishedRun_changesNothingAndSaysSo() {
    run("done1", LONG_AGO, true);

    assertThat(pitr("runs", "abandon", "done1")).isZero();

    assertThat(cli.last.out()).isEqualTo("Run done1 is finished; there is nothing to abandon.\n");
    assertThat(state("done1")).isEqualTo(RunState.FINISHED);
  }

  @Test
  void runsAbandon_asJson_printsTheAbandonedRun() throws Exception {
    run("dead1", LONG_AGO, false);

    assertThat(pitr("--output", "json", "runs", "abandon", "dead1", "--yes")).isZero();

    JsonNode r = JSON.readTree(cli.last.out());
    assertThat(r.get("state").asText()).isEqualTo("abandoned");
    assertThat(r.get("changed").asBoolean()).isTrue();
    assertThat(r.get("abandonedBy").get("pid").asLong()).isEqualTo(ProcessHandle.current().pid());
    assertThat(pitr("--output", "json", "runs", "abandon", "dead1", "--yes")).isZero();
    assertThat(JSON.readTree(cli.last.out()).get("changed").asBoolean()).isFalse();
  }

  @Test
  void drop_whileACopyBackReadingItIsRunning_isRefusedWithThreeNamingItsOwner() {
    recoveryTable("live-rec", "live");
    run(store(), "live1", "live-rec", "live", now, false);

    assertThat(pitr("drop", "live-rec", "--yes", "--force")).isEqualTo(3);

    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table live-rec is being copied back by run live1, which is running (last"
                + " heartbeat at "
                + now
                + " from "
                + OWNER
                + "); wait for it to finish\n");
    assertThat(cli.local.client.listTables().join().tableNames()).contains("live-rec");
  }

  @Test
  void drop_ofATableADeadRunReads_saysTheRunIsDeadUntilItIsAbandoned_thenItsResumeIsRefused() {
    recoveryTable("dead-rec", "dead");
    cli.local.createTable("dead");
    run(store(), "dead1", "dead-rec", "dead", LONG_AGO, false);

    assertThat(pitr("drop", "dead-rec", "--yes")).isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table dead-rec is being copied back by run dead1, which is dead (last heartbeat"
                + " at 2024-05-01T03:00:00Z from "
                + OWNER
                + "): resume it with pitr --endpoint-url "
                + cli.local.endpoint()
                + " copy-back --resume dead1 --state-dir "
                + state
                + " (its checkpoints are intact), or release it with pitr --endpoint-url "
                + cli.local.endpoint()
                + " runs abandon dead1 --state-dir "
                + state
                + " and drop again (or drop anyway with --force)\n");
    assertThat(cli.local.client.listTables().join().tableNames()).contains("dead-rec");

    assertThat(pitr("runs", "abandon", "dead1", "--yes")).isZero();
    assertThat(cli.last.out())
        .isEqualTo(
            "Abandoned run dead1: pitr drop no longer waits for it, and it cannot be resumed; to"
                + " copy again, start a new copy-back.\n");

    assertThat(pitr("copy-back", "--resume", "dead1")).isEqualTo(3);
    assertThat(cli.last.err())
        .startsWith("error: Run dead1 in " + state.resolve("runs") + " was abandoned at ")
        .endsWith(
            " by "
                + OWNER
                + ", so it cannot be resumed; start a new run with pitr copy-back --from dead-rec"
                + " --to dead (rewriting items already copied is harmless)\n");

    assertThat(pitr("drop", "dead-rec", "--yes")).as(cli.last.err()).isZero();
    assertThat(cli.local.client.listTables().join().tableNames()).doesNotContain("dead-rec");
  }

  @Test
  void drop_withForce_dropsATableADeadRunReads() {
    recoveryTable("forced-rec", "forced");
    run(store(), "dead2", "forced-rec", "forced", LONG_AGO, false);

    assertThat(pitr("drop", "forced-rec", "--yes", "--force")).as(cli.last.err()).isZero();

    assertThat(cli.last.out()).isEqualTo("Dropped forced-rec\n");
    assertThat(cli.local.client.listTables().join().tableNames()).doesNotContain("forced-rec");
  }
}
