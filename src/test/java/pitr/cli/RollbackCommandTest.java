package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.local.Faults;

class RollbackCommandTest {
  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  /** a, b, c at v1; T0; the incident sets a and b to bad and deletes c; T1. */
  private Instant[] incident() {
    return local.incident();
  }

  @Test
  void rollback_withIncidentEnd_restoresUntouchedItemsAndKeepsConflicts() {
    Instant[] t = incident();
    local.put("b", "customer-edit");
    local.put("d", "new-after-incident");

    CliRun run = new CliRun();
    int code =
        run.execute(
            "rollback",
            "orders",
            "--to",
            t[0].toString(),
            "--incident-end",
            t[1].toString(),
            "--yes",
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(code).as(run.err()).isZero();
    assertThat(local.orders())
        .containsEntry("a", "v1")
        .containsEntry("b", "customer-edit")
        .containsEntry("c", "v1")
        .containsEntry("d", "new-after-incident");
    assertThat(run.out())
        .contains("restore   2")
        .contains("conflict  1   e.g. {\"pk\":{\"S\":\"b\"}}")
        .contains("Conflicts kept as they are: 1")
        .contains("Verified: every written item reads back as planned");
    assertThat(local.client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void apply_afterAConcurrentWrite_reportsThatItemAsAConflictAndLeavesIt() throws Exception {
    Instant[] t = incident();
    Path plan = dir.resolve("plan.jsonl");
    CliRun planning = new CliRun();
    assertThat(
            planning.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--incident-end",
                t[1].toString(),
                "--plan",
                plan.toString(),
                "--state-dir",
                dir.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(planning.err())
        .isZero();
    assertThat(planning.out()).contains("Plan saved to " + plan);
    assertThat(Files.readAllLines(plan))
        .hasSize(5)
        .satisfies(l -> assertThat(l.get(0)).contains("\"pitrRollbackPlan\":2"))
        .satisfies(l -> assertThat(l.get(4)).startsWith("{\"pitrSeal\":1,\"lines\":4,"));
    assertThat(local.orders()).containsEntry("a", "bad");

    local.put("a", "written-between-plan-and-apply");
    CliRun applying = new CliRun();
    int code =
        applying.execute(
            "rollback",
            "--apply",
            plan.toString(),
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(code).as(applying.err()).isZero();
    assertThat(local.orders())
        .containsEntry("a", "written-between-plan-and-apply")
        .containsEntry("b", "v1")
        .containsEntry("c", "v1");
    assertThat(applying.out())
        .contains("Conflicts kept as they are: 1 (e.g. {\"pk\":{\"S\":\"a\"}})")
        .contains("of which changed between planning and applying: 1");
  }

  @Test
  void rollback_withoutIncidentEnd_deletesItemsCreatedAfterT0OnlyWithDeleteExtra() {
    Instant[] t = incident();
    local.put("d", "created-later");

    CliRun keep = new CliRun();
    assertThat(
            keep.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--yes",
                "--state-dir",
                dir.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(keep.err())
        .isZero();
    assertThat(local.orders())
        .containsEntry("d", "created-later")
        .containsEntry("a", "v1")
        .containsEntry("c", "v1");
    assertThat(keep.out()).contains("extra     1");

    CliRun delete = new CliRun();
    assertThat(
            delete.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--delete-extra",
                "--yes",
                "--state-dir",
                dir.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(delete.err())
        .isZero();
    assertThat(local.orders()).containsOnlyKeys("a", "b", "c").containsValues("v1");
  }

  @Test
  void rollback_withoutYes_asksAndWritesNothingWhenRefused() {
    Instant[] t = incident();
    CliRun run = new CliRun();
    run.commandLine.getSubcommands().get("rollback").<RollbackCommand>getCommand().input =
        new java.io.BufferedReader(new java.io.StringReader("n\n"));

    int code =
        run.execute(
            "rollback",
            "orders",
            "--to",
            t[0].toString(),
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .contains("Not confirmed; nothing was written. Pass --yes to skip the question");
    assertThat(local.orders()).containsEntry("a", "bad");
    assertThat(local.client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void rollback_withKeep_leavesRecoveryTablesThatStatusListsAndDropAccepts() {
    Instant[] t = incident();
    CliRun run = new CliRun();
    assertThat(
            run.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--incident-end",
                t[1].toString(),
                "--yes",
                "--keep",
                "--state-dir",
                dir.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(run.err())
        .isZero();
    List<String> recovery = local.recoveryTables();
    assertThat(recovery).hasSize(2).allMatch(n -> n.startsWith("orders-recovery-"));
    assertThat(run.out()).contains("Kept recovery tables: " + String.join(", ", recovery));

    CliRun status = new CliRun();
    assertThat(status.execute("status", "orders", "--endpoint-url", local.endpoint))
        .as(status.err())
        .isZero();
    assertThat(status.out())
        .contains("recovery tables:  2")
        .contains(recovery.get(0) + "  ACTIVE  restore point " + t[0])
        .contains(recovery.get(1) + "  ACTIVE  restore point " + t[1]);

    // Another rollback of the table says what the first one left, and how to drop it.
    CliRun again = new CliRun();
    assertThat(
            again.execute(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--incident-end",
                t[1].toString(),
                "--dry-run",
                "--state-dir",
                dir.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(again.err())
        .isZero();
    for (int i = 0; i < 2; i++) {
      assertThat(again.err())
          .contains(
              "note: recovery table "
                  + recovery.get(i)
                  + " (restore point "
                  + t[i]
                  + ", created by ")
          .contains("If no run uses it, drop it with: pitr drop " + recovery.get(i) + "\n");
    }
    assertThat(local.recoveryTables()).containsExactlyInAnyOrderElementsOf(recovery);

    for (String table : recovery) {
      CliRun drop = new CliRun();
      assertThat(
              drop.execute(
                  "drop",
                  table,
                  "--yes",
                  "--state-dir",
                  dir.toString(),
                  "--endpoint-url",
                  local.endpoint))
          .as(drop.err())
          .isZero();
      assertThat(drop.out()).isEqualTo("Dropped " + table + "\n");
    }
    assertThat(local.recoveryTables()).isEmpty();
  }

  /** 200 items at v1 before T0, every one set to bad by the incident, T1 after. */
  private Instant[] bigIncident() {
    local.createOrders();
    local.putMany(200, "v1");
    Instant t0 = RollbackTestEngine.mark();
    local.putMany(200, "bad");
    Instant t1 = RollbackTestEngine.mark();
    return new Instant[] {t0, t1};
  }

  private Path plan(Instant[] t, String... extra) {
    Path plan = dir.resolve("plan-" + extra.length + ".jsonl");
    List<String> args =
        new ArrayList<>(
            List.of(
                "rollback",
                "orders",
                "--to",
                t[0].toString(),
                "--incident-end",
                t[1].toString(),
                "--plan",
                plan.toString(),
                "--state-dir",
                dir.toString(),
                "--endpoint-url",
                local.endpoint));
    args.addAll(List.of(extra));
    CliRun run = new CliRun();
    assertThat(run.execute(args.toArray(String[]::new))).as(run.err()).isZero();
    return plan;
  }

  /** The item lines of a saved plan: without its header and its seal. */
  private static List<String> itemLines(Path plan) throws Exception {
    List<String> lines = Files.readAllLines(plan);
    return lines.subList(1, lines.size() - 1);
  }

  private static List<String> planKeys(Path plan) throws Exception {
    return itemLines(plan).stream()
        .map(l -> l.replaceAll(".*\"key\":\\{\"pk\":\\{\"S\":\"(o\\d+)\"}}.*", "$1"))
        .toList();
  }

  private static String runId(String out) {
    Matcher m = Pattern.compile("Applying as run (\\w+);").matcher(out);
    return m.find() ? m.group(1) : null;
  }

  private long chunksDone(String runId) throws Exception {
    Path runDir = dir.resolve("runs").resolve(runId);
    if (!Files.isDirectory(runDir)) {
      return 0;
    }
    try (var files = Files.list(runDir)) {
      return files.filter(f -> f.getFileName().toString().matches("segment-\\d+\\.json")).count();
    }
  }

  @Test
  void apply_interruptedMidway_thenResumed_skipsFinishedChunks_endsAsPlanned_andKeepsConflicts()
      throws Exception {
    Instant[] t = bigIncident();
    Path plan = plan(t);
    List<String> keys = planKeys(plan);
    assertThat(keys).hasSize(200);
    Map<String, String> expected = new TreeMap<>();
    keys.forEach(k -> expected.put(k, "v1"));
    // One customer edit lands in every chunk of 10 between planning and applying.
    for (int i = 3; i < keys.size(); i += 10) {
      local.put(keys.get(i), "customer-edit");
      expected.put(keys.get(i), "customer-edit");
    }
    CliRun first = new CliRun();
    int[] firstCode = {-1};
    Thread applying =
        new Thread(
            () ->
                firstCode[0] =
                    first.execute(
                        "rollback",
                        "--apply",
                        plan.toString(),
                        "--max-wcu",
                        "20",
                        "--chunk-items",
                        "10",
                        "--state-dir",
                        dir.toString(),
                        "--endpoint-url",
                        local.endpoint));
    applying.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (runId(first.out()) == null || chunksDone(runId(first.out())) < 2) {
      assertThat(System.nanoTime()).as("two chunks done within 60 s").isLessThan(deadline);
      assertThat(applying.isAlive()).as(first.out() + first.err()).isTrue();
      Thread.sleep(20);
    }
    applying.interrupt();
    applying.join(30_000);
    assertThat(applying.isAlive()).isFalse();
    assertThat(firstCode[0]).isNotZero();
    String id = runId(first.out());
    long doneBefore = chunksDone(id);
    assertThat(doneBefore).isBetween(2L, 19L);
    assertThat(local.orders()).containsValue("bad");

    CliRun resumed = new CliRun();
    int code =
        resumed.execute(
            "rollback",
            "--apply",
            plan.toString(),
            "--resume",
            id,
            "--chunk-items",
            "5",
            "--max-wcu",
            "0",
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(code).as(resumed.err()).isZero();
    // The run keeps the chunks of 10 it recorded (20 of them), whatever --chunk-items it is given.
    assertThat(local.orders()).isEqualTo(expected);
    Matcher skipped =
        Pattern.compile(
                "Resumed run " + id + ": (\\d+) of 20 chunks were done by an earlier attempt")
            .matcher(resumed.out());
    assertThat(skipped.find()).as(resumed.out()).isTrue();
    assertThat(Long.parseLong(skipped.group(1))).isGreaterThanOrEqualTo(doneBefore);
    assertThat(resumed.out())
        .contains("Conflicts kept as they are: 20")
        .contains("of which changed between planning and applying: 20")
        .contains("Verified: every written item reads back as planned");
    assertThat(chunksDone(id)).isEqualTo(20);
  }

  @Test
  void rollback_whenWritesKeepFailing_filesThemAndExitsFour_thenResumeFinishesAndDrops()
      throws Exception {
    Instant[] t = bigIncident();
    CliRun run = new CliRun();
    // Faults start once the plan is made, when the operator confirms.
    run.commandLine.getSubcommands().get("rollback").<RollbackCommand>getCommand().input =
        new java.io.BufferedReader(new java.io.StringReader("y\n")) {
          @Override
          public String readLine() throws java.io.IOException {
            local.engine.setFaults(Faults.parse("error=0.6,seed=11"));
            return super.readLine();
          }
        };

    int code;
    try {
      code =
          run.execute(
              "rollback",
              "orders",
              "--to",
              t[0].toString(),
              "--incident-end",
              t[1].toString(),
              "--retries",
              "0",
              "--chunk-items",
              "10",
              "--state-dir",
              dir.toString(),
              "--endpoint-url",
              local.endpoint);
    } finally {
      local.engine.setFaults(Faults.NONE);
    }

    assertThat(code).as(run.out() + run.err()).isEqualTo(4);
    Matcher failed = Pattern.compile("Failed writes: (\\d+)").matcher(run.out());
    assertThat(failed.find()).as(run.out()).isTrue();
    int failures = Integer.parseInt(failed.group(1));
    String id = runId(run.out());
    Path failureFile = dir.resolve("runs").resolve(id).resolve("failures.jsonl");
    Matcher resume =
        Pattern.compile(
                "resume with 'pitr rollback --apply (\\S+) --resume "
                    + id
                    + Pattern.quote(" --state-dir " + dir + " --endpoint-url " + local.endpoint)
                    + "'")
            .matcher(run.err());
    assertThat(resume.find()).as(run.err()).isTrue();
    // After the planning scans' summary line.
    assertThat(run.err())
        .startsWith("summary command=rollback-plan ")
        .contains(
            "\nerror: " + failures + " writes failed after retries and are in " + failureFile);
    List<String> filed = Files.readAllLines(failureFile);
    assertThat(filed).hasSize(failures);
    for (String line : filed) {
      JsonNode n = new ObjectMapper().readTree(line);
      assertThat(n.get("table").asText()).isEqualTo("orders");
      assertThat(n.get("op").asText()).isEqualTo("put");
      assertThat(n.at("/item/v/S").asText()).isEqualTo("v1");
      assertThat(n.get("error").asText()).isNotBlank();
    }
    assertThat(local.recoveryTables()).hasSize(2);
    assertThat(run.out())
        .contains(
            "Kept recovery tables until the apply completes: "
                + String.join(", ", local.recoveryTables()));
    assertThat(local.orders()).containsValue("bad");

    CliRun resumed = new CliRun();
    int again =
        resumed.execute(
            "rollback",
            "--apply",
            resume.group(1),
            "--resume",
            id,
            "--chunk-items",
            "10",
            "--state-dir",
            dir.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(again).as(resumed.err()).isZero();
    Map<String, String> expected = new TreeMap<>();
    for (int i = 0; i < 200; i++) {
      expected.put(String.format("o%03d", i), "v1");
    }
    assertThat(local.orders()).isEqualTo(expected);
    assertThat(resumed.out()).contains("Dropped recovery tables: ");
    assertThat(local.recoveryTables()).isEmpty();
    assertThat(Path.of(resume.group(1))).doesNotExist();
  }

  @Test
  void plan_overManySpillPartitions_isTheSamePlanAsOverOne() throws Exception {
    local.createOrders();
    local.putMany(60, "v1");
    Instant t0 = RollbackTestEngine.mark();
    for (int i = 0; i < 30; i++) {
      local.put(String.format("o%03d", i), "bad");
    }
    for (int i = 30; i < 35; i++) {
      local.delete(String.format("o%03d", i));
    }
    for (int i = 0; i < 5; i++) {
      local.put("new" + i, "created-by-the-incident");
    }
    Instant t1 = RollbackTestEngine.mark();
    Instant[] t = {t0, t1};

    Path one = plan(t, "--partition-items", "1000000");
    Path many = plan(t, "--partition-items", "10", "--max-wcu", "1000");

    assertThat(Files.readAllLines(many).get(0))
        .contains("\"counts\":{\"RESTORE\":35,\"DELETE\":5,\"CONFLICT\":0,\"EXTRA\":0}");
    assertThat(itemLines(many).stream().sorted().toList())
        .isEqualTo(itemLines(one).stream().sorted().toList());
    CliRun apply = new CliRun();
    assertThat(
            apply.execute(
                "rollback",
                "--apply",
                many.toString(),
                "--state-dir",
                dir.toString(),
                "--endpoint-url",
                local.endpoint))
        .as(apply.err())
        .isZero();
    assertThat(local.orders()).hasSize(60);
    assertThat(local.orders().values()).containsOnly("v1");
  }
}
