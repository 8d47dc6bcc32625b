package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * A ledger table that does not exist (a mistyped --ledger-table or target) is said so, with the
 * target's tables of names near it, instead of reading as a ledger without runs: a note where an
 * empty ledger is an answer (list, stale, unlock), a refusal where runs are needed (stamp, resume).
 */
class LedgerAbsenceCliTest extends MigrateEngineFixture {

  private void createLedger() {
    RollbackTestEngine.createLedger(client, "pitr-ledger");
  }

  private CliRun migrate(Path m, String... args) {
    CliRun run = new CliRun();
    java.util.List<String> all = new java.util.ArrayList<>(java.util.List.of("migrate"));
    all.addAll(java.util.List.of(args));
    all.addAll(
        java.util.List.of(
            "--migrations-dir",
            m.toString(),
            "--ledger-table",
            "pitr-ledgr",
            "--endpoint-url",
            endpoint));
    run.execute(all.toArray(String[]::new));
    return run;
  }

  @Test
  void list_staleAndUnlock_withAMistypedLedgerTable_noteItAndTheNearestName() throws Exception {
    Path m = migrations();
    createLedger();
    String note =
        "note: Ledger table pitr-ledgr does not exist in "
            + endpoint
            + " (did you mean pitr-ledger?)\n";

    CliRun list = migrate(m, "list");
    CliRun stale = migrate(m, "stale", "--older-than", "1d");
    CliRun unlock = migrate(m, "unlock");

    assertThat(list.exitCode()).isZero();
    assertThat(list.err()).isEqualTo(note);
    assertThat(list.out()).contains("0001_cars_get_a_price").contains("pending");
    assertThat(stale.exitCode()).isZero();
    assertThat(stale.err()).isEqualTo(note);
    assertThat(unlock.exitCode()).isZero();
    assertThat(unlock.err()).isEqualTo(note);
    assertThat(tableExists("pitr-ledgr")).isFalse();
  }

  @Test
  void stampAndResume_withAMistypedLedgerTable_exit2NamingItAndTheNearestName() throws Exception {
    Path m = migrations();
    createLedger();

    CliRun stamp = migrate(m, "stamp", "0001");
    CliRun resume = migrate(m, "resume", "0001", "--prod", "--yes");

    assertThat(stamp.exitCode()).isEqualTo(2);
    assertThat(stamp.err())
        .isEqualTo(
            "error: Ledger table pitr-ledgr does not exist in "
                + endpoint
                + " (did you mean pitr-ledger?), so there is no run to stamp; pass the"
                + " --ledger-table (and target) the migrations ran with\n");
    assertThat(resume.exitCode()).isEqualTo(2);
    assertThat(resume.err()).contains("so there is no run to resume;");
    assertThat(tableExists("pitr-ledgr")).isFalse();
  }
}
