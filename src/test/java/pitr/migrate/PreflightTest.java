package pitr.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.ContinuousBackupsDescription;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

class PreflightTest {
  private static final Instant NOW = Instant.parse("2026-03-01T10:00:00Z");

  private static ContinuousBackupsDescription pitr(Instant earliest, Instant latest, Integer days) {
    return ContinuousBackupsDescription.builder()
        .continuousBackupsStatus("ENABLED")
        .pointInTimeRecoveryDescription(
            p ->
                p.pointInTimeRecoveryStatus(PointInTimeRecoveryStatus.ENABLED)
                    .earliestRestorableDateTime(earliest)
                    .latestRestorableDateTime(latest)
                    .recoveryPeriodInDays(days))
        .build();
  }

  @Test
  void problems_noneWhenTheWindowCoversTheRun_andRecordsTheEarliestRestorableTime() {
    Map<String, Instant> earliest = new HashMap<>();

    assertThat(
            Preflight.problems(
                "cars",
                pitr(NOW.minusSeconds(86_400), NOW.minusSeconds(300), 35),
                NOW,
                Duration.ofHours(2),
                Duration.ofMinutes(15),
                earliest))
        .isEmpty();
    assertThat(earliest).containsExactly(Map.entry("cars", NOW.minusSeconds(86_400)));
  }

  @Test
  void problems_whenLatestRestorableLagsTooFar_saysToWait() {
    assertThat(
            Preflight.problems(
                "cars",
                pitr(NOW.minusSeconds(86_400), NOW.minusSeconds(3_600), 35),
                NOW,
                Duration.ZERO,
                Duration.ofMinutes(15),
                new HashMap<>()))
        .containsExactly(
            "Table cars has LatestRestorableDateTime 2026-03-01T09:00:00Z, more than"
                + " --max-restore-lag PT15M behind now (2026-03-01T10:00:00Z); point-in-time"
                + " recovery is not keeping up, so the restore point would not be restorable; wait"
                + " a few minutes and rerun, or raise --max-restore-lag");
  }

  @Test
  void problems_whenTheRecoveryPeriodIsShorterThanTheRun_saysHowToFixIt() {
    assertThat(
            Preflight.problems(
                "cars",
                pitr(NOW.minusSeconds(86_400), NOW.minusSeconds(60), 1),
                NOW,
                Duration.ofHours(30),
                Duration.ofMinutes(15),
                new HashMap<>()))
        .containsExactly(
            "Table cars keeps restore points for 1 days, but the run is expected to take PT30H"
                + " (plus PT1H to roll back); the restore point would expire first. Raise the"
                + " recovery period ('aws dynamodb update-continuous-backups --table-name cars"
                + " --point-in-time-recovery-specification"
                + " PointInTimeRecoveryEnabled=true,RecoveryPeriodInDays=35'), raise --max-wcu, or"
                + " split the migration");
  }

  @Test
  void problems_whenTheRestorePointIsBeforeTheWindow_pointsAtTheClock() {
    assertThat(
            Preflight.problems(
                "cars",
                pitr(NOW.plusSeconds(10), NOW.plusSeconds(10), 35),
                NOW,
                Duration.ZERO,
                Duration.ofMinutes(15),
                new HashMap<>()))
        .containsExactly(
            "Table cars: the restore point 2026-03-01T10:00:00Z is before"
                + " EarliestRestorableDateTime 2026-03-01T10:00:10Z (outside the recovery window);"
                + " check this machine's clock and rerun");
  }

  @Test
  void expectedRun_isTheLongerOfTheDeclaredTimeAndWritingEveryItemWithItsJournalEntry() {
    TableDescription t =
        TableDescription.builder()
            .tableName("cars")
            .itemCount(100_000L)
            .tableSizeBytes(300_000_000L)
            .build();

    // 3 KB items: 3 WCU per write plus 1 for its journal entry, at 400 WCU/s.
    assertThat(Preflight.expectedRun(Duration.ZERO, Map.of("cars", t), 400))
        .isEqualTo(Duration.ofSeconds(1000));
    assertThat(Preflight.expectedRun(Duration.ofHours(1), Map.of("cars", t), 400))
        .isEqualTo(Duration.ofHours(1));
  }
}
