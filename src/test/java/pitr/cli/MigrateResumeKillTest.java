package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * {@code pitr migrate resume} after a real {@code kill -9}: a migration that is not idempotent
 * still counts every item once, because the resumed run skips the items whose write had landed.
 */
class MigrateResumeKillTest extends MigrateProcessFixture {
  private static final int ITEMS = 200;

  private final Counters counters = new Counters(local);

  /** The ledger's record of the run of 0001_count_hit. */
  private Map<String, AttributeValue> ledgerRun() {
    List<Map<String, AttributeValue>> runs = counters.ledger("run");
    assertThat(runs).hasSize(1);
    return runs.get(0);
  }

  @Test
  void resume_afterSigkillMidPage_countsEveryItemOnce_andTheLedgerCountsEveryWriteOnce()
      throws Exception {
    Path m = Counters.migration(dir, "segments(2).pageSize(40).concurrency(4)");
    counters.seed(ITEMS);

    // A real process, paced to a few writes a second, killed with SIGKILL once a few writes landed:
    // its pages are unfinished, their writes journaled but not confirmed.
    Child child = migrateDevInChild(m, "5");
    long landed = child.killWhen(counters::counted, 5);
    assertThat(landed).as(child.output()).isBetween(5L, (long) ITEMS - 1);
    assertThat(ledgerRun().get("status").s()).isEqualTo("RUNNING");

    CliRun resume = CliRun.anHourLater();
    int code =
        resume.execute(
            "migrate",
            "resume",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).as(resume.err() + resume.out()).isZero();
    assertThat(resume.out())
        .contains("Migration 0001_count_hit succeeded in dev")
        .containsPattern("note: skipped \\d+ items? whose write had landed before run ");
    assertThat(counters.hits())
        .hasSize(ITEMS)
        .allSatisfy((k, h) -> assertThat(h).as(k).isEqualTo(1));
    Map<String, AttributeValue> run = ledgerRun();
    assertThat(run.get("status").s()).isEqualTo("SUCCEEDED");
    assertThat(run.get("attempts").n()).isEqualTo("2");
    assertThat(run.get("itemsWritten").n()).isEqualTo(Integer.toString(ITEMS));
  }
}
