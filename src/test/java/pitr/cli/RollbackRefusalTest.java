package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import pitr.files.SealedLines;

/**
 * {@code pitr rollback} refuses bad input before the first change: exit code, the message naming
 * the problem and the fix, and nothing changed (no recovery table, no item, no state file).
 */
class RollbackRefusalTest {
  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();

  @AfterEach
  void stop() {
    local.close();
  }

  /** a, b, c at v1; T0; the incident sets a and b to bad and deletes c; T1; b repaired by hand. */
  private Instant[] incident() {
    Instant[] t = local.incident();
    local.put("b", "repaired-by-hand");
    return t;
  }

  private static final Map<String, String> AFTER_INCIDENT =
      Map.of("a", "bad", "b", "repaired-by-hand");

  private int code(CliRun run, String... args) {
    List<String> all = new ArrayList<>(List.of("rollback"));
    all.addAll(List.of(args));
    all.addAll(List.of("--state-dir", dir.resolve("state").toString()));
    all.addAll(List.of("--endpoint-url", local.endpoint));
    return run.execute(all.toArray(String[]::new));
  }

  /** No recovery table, the live items as the incident left them, no state written. */
  private void assertNothingChanged() {
    assertThat(local.client.listTables().join().tableNames()).containsExactly("orders");
    assertThat(local.orders()).isEqualTo(AFTER_INCIDENT);
    assertThat(dir.resolve("state").resolve("runs")).doesNotExist();
  }

  private Path savedPlan(Instant[] t) {
    Path plan = dir.resolve("plan.jsonl");
    CliRun run = new CliRun();
    assertThat(
            code(
                run,
                "orders",
                "--to",
                t[0].toString(),
                "--incident-end",
                t[1].toString(),
                "--plan",
                plan.toString()))
        .as(run.err())
        .isZero();
    assertThat(local.client.listTables().join().tableNames()).containsExactly("orders");
    return plan;
  }

  @Test
  void rollback_withAnIncidentEndThatIsNoInstant_exitsTwoNamingIt_andRestoresNothing() {
    Instant[] t = incident();
    CliRun run = new CliRun();

    int code = code(run, "orders", "--to", t[0].toString(), "--incident-end", "yesterday");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .contains(
            "error: --incident-end yesterday is not an instant; pass ISO-8601 like"
                + " 2026-11-30T12:00:00Z or a relative time like -15m");
    assertNothingChanged();
  }

  @Test
  void rollback_withTheInstantsSwapped_exitsTwoNamingBoth_andReappliesNothing() {
    Instant[] t = incident();
    CliRun run = new CliRun();

    int code =
        code(run, "orders", "--to", t[1].toString(), "--incident-end", t[0].toString(), "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: --incident-end "
                + t[0]
                + " is not after --to "
                + t[1]
                + ": the incident ends after the instant to go back to; pass the earlier instant"
                + " (before the bad change) as --to and the later one (when it ended) as"
                + " --incident-end. Nothing was changed.\n");
    assertThat(run.out()).isEmpty();
    assertNothingChanged();
  }

  @Test
  void rollback_withToBeforeTheRestoreWindow_exitsThree_andRestoresNothing() {
    Instant beforePitr = RollbackTestEngine.mark();
    Instant[] t = incident();
    CliRun run = new CliRun();

    int code =
        code(
            run,
            "orders",
            "--to",
            beforePitr.toString(),
            "--incident-end",
            t[1].toString(),
            "--yes");

    assertThat(code).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .startsWith(
            "error: --to " + beforePitr + " is outside the restore window of table orders (")
        .endsWith(
            "): it is before the earliest restorable time; pick an instant inside the window."
                + " Nothing was changed.\n");
    assertNothingChanged();
  }

  @Test
  void rollback_withIncidentEndInTheFuture_exitsTwo_andRestoresNothing() {
    Instant[] t = incident();
    CliRun run = new CliRun();

    int code =
        code(run, "orders", "--to", t[0].toString(), "--incident-end", "2999-01-01T00:00:00Z");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith("error: --incident-end 2999-01-01T00:00:00Z is in the future (now is ")
        .endsWith("); pass a past instant, or a relative time like -15m. Nothing was changed.\n");
    assertNothingChanged();
  }

  @Test
  void rollback_withAPlanPathThatCannotBeWritten_exitsTwoBeforeAnyRestore() throws Exception {
    Instant[] t = incident();
    Path file = Files.writeString(dir.resolve("notes.txt"), "not a folder");
    Path plan = file.resolve("plan.jsonl");
    CliRun run = new CliRun();

    int code =
        code(
            run,
            "orders",
            "--to",
            t[0].toString(),
            "--incident-end",
            t[1].toString(),
            "--plan",
            plan.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Cannot write --plan "
                + plan
                + ": "
                + file
                + " is not a folder; choose a path under an existing folder. Nothing was"
                + " changed.\n");
    assertNothingChanged();
    assertThat(dir.resolve("state")).doesNotExist();
  }

  @Test
  void rollback_withAFailureFileThatCannotBeWritten_exitsTwoBeforeAnyRestore() {
    Instant[] t = incident();
    CliRun run = new CliRun();

    int code = code(run, "orders", "--to", t[0].toString(), "--failures", dir.toString(), "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Cannot write --failures "
                + dir
                + ": it is a folder; name a file. Nothing was changed.\n");
    assertNothingChanged();
  }

  @Test
  void rollback_withAStateDirThatIsAFile_exitsTwoBeforeAnyRestore() throws Exception {
    Instant[] t = incident();
    Path file = Files.writeString(dir.resolve("state.txt"), "not a folder");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "rollback",
            "orders",
            "--to",
            t[0].toString(),
            "--yes",
            "--state-dir",
            file.toString(),
            "--endpoint-url",
            local.endpoint);

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Cannot use --state-dir "
                + file
                + ": "
                + file
                + " is a file; pass --state-dir a folder you can write to. Nothing was"
                + " changed.\n");
    assertNothingChanged();
  }

  @Test
  void rollback_withANegativeMaxWcuOrRetries_exitsTwoBeforeAnyRestore() {
    Instant[] t = incident();

    for (String[] bad :
        List.of(new String[] {"--max-wcu", "-1"}, new String[] {"--retries", "-1"})) {
      CliRun run = new CliRun();
      int code =
          code(
              run,
              "orders",
              "--to",
              t[0].toString(),
              "--incident-end",
              t[1].toString(),
              "--yes",
              bad[0],
              bad[1]);

      assertThat(code).as(bad[0]).isEqualTo(2);
      // The range is checked at parse time or, failing that, before the first restore.
      assertThat(run.err()).as(bad[0]).startsWith("error: ").contains(bad[0]).contains("-1");
      assertThat(run.out()).as(bad[0]).doesNotContain("Rollback plan");
      assertNothingChanged();
    }
  }

  @Test
  void apply_ofAPlanCutAtALineBoundary_exitsTwo_andWritesNothing() throws Exception {
    Instant[] t = incident();
    Path plan = savedPlan(t);
    List<String> lines = Files.readAllLines(plan);
    // The header and the first item survive; the second item and the seal are lost.
    Files.write(plan, lines.subList(0, 2));
    CliRun run = new CliRun();

    int code = code(run, "--apply", plan.toString(), "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Rollback plan "
                + plan
                + " cannot be trusted: it does not end with the seal line pitr writes last, so it"
                + " was cut short, edited, or not written by pitr; make the plan again with 'pitr"
                + " rollback ... --plan FILE'. Nothing was changed.\n");
    assertThat(run.out()).isEmpty();
    assertNothingChanged();
  }

  @Test
  void apply_ofAHandEditedPlan_exitsTwo_andWritesNothing() throws Exception {
    Instant[] t = incident();
    Path plan = savedPlan(t);
    Files.writeString(plan, Files.readString(plan).replace("\"RESTORE\"", "\"NUKE\""));
    CliRun run = new CliRun();

    int code = code(run, "--apply", plan.toString(), "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Rollback plan "
                + plan
                + " cannot be trusted: its content does not match the SHA-256 in its seal, so it"
                + " was edited after pitr wrote it; make the plan again with 'pitr rollback ..."
                + " --plan FILE'. Nothing was changed.\n");
    assertNothingChanged();
  }

  @Test
  void apply_ofASealedPlanWithAnUnknownAction_exitsTwoNamingTheLineValueAndActions()
      throws Exception {
    Instant[] t = incident();
    Path plan = savedPlan(t);
    List<String> lines = Files.readAllLines(plan);
    List<String> body = new ArrayList<>(lines.subList(0, lines.size() - 1));
    body.set(1, body.get(1).replaceFirst("\"action\":\"\\w+\"", "\"action\":\"NUKE\""));
    SealedLines.write(plan, body);
    CliRun run = new CliRun();

    int code = code(run, "--apply", plan.toString(), "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Rollback plan "
                + plan
                + " line 2 is not valid: action \"NUKE\" is not one of RESTORE, DELETE, CONFLICT,"
                + " EXTRA; make the plan again with 'pitr rollback ... --plan FILE'. Nothing was"
                + " changed.\n");
    assertNothingChanged();
  }

  @Test
  void apply_ofAPlanOfTheFormerFormat_exitsTwoSayingToMakeItAgain() throws Exception {
    Instant[] t = incident();
    Path plan = savedPlan(t);
    List<String> lines = Files.readAllLines(plan);
    List<String> former = new ArrayList<>(lines.subList(0, lines.size() - 1));
    former.set(0, former.get(0).replace("\"pitrRollbackPlan\":2", "\"pitrRollbackPlan\":1"));
    Files.write(plan, former);
    CliRun run = new CliRun();

    int code = code(run, "--apply", plan.toString(), "--yes");

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Rollback plan "
                + plan
                + " was made by an earlier pitr, in format 1, which has no seal: a copy cut short"
                + " could not be told from the whole plan; make the plan again with 'pitr rollback"
                + " ... --plan FILE'. Nothing was changed.\n");
    assertNothingChanged();
  }

  @Test
  void apply_ofTheWholePlan_stillRestoresIt() throws Exception {
    Instant[] t = incident();
    Path plan = savedPlan(t);
    CliRun run = new CliRun();

    int code = code(run, "--apply", plan.toString(), "--yes");

    assertThat(code).as(run.err()).isZero();
    assertThat(local.orders())
        .containsEntry("a", "v1")
        .containsEntry("b", "repaired-by-hand")
        .containsEntry("c", "v1");
  }
}
