package pitr.restore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;
import pitr.ErrorCode;
import pitr.PitrException;

class RestorePointTest {
  private final Clock clock = Clock.fixed(Instant.parse("2026-03-01T12:00:00Z"), ZoneOffset.UTC);

  @Test
  void parse_readsInstantsLatestAndRelativeTimes() {
    assertThat(RestorePoint.parse("2026-03-01T11:00:00Z", clock).instant())
        .isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
    assertThat(RestorePoint.parse("2026-03-01T12:00:00+01:00", clock).instant())
        .isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
    assertThat(RestorePoint.parse("latest", clock).isLatest()).isTrue();
    assertThat(RestorePoint.parse("-15m", clock).instant())
        .isEqualTo(Instant.parse("2026-03-01T11:45:00Z"));
    assertThat(RestorePoint.parse("-2h", clock).instant())
        .isEqualTo(Instant.parse("2026-03-01T10:00:00Z"));
  }

  @Test
  void parse_takesTheInstantToTheMillisecond_asDynamoDbTakesARestoresInstant() {
    assertThat(RestorePoint.parse("2026-03-01T11:00:00.123456789Z", clock).instant())
        .isEqualTo(Instant.parse("2026-03-01T11:00:00.123Z"));
    Clock fine = Clock.fixed(Instant.parse("2026-03-01T12:00:00.999999Z"), ZoneOffset.UTC);
    assertThat(RestorePoint.parse("-15m", fine).instant())
        .isEqualTo(Instant.parse("2026-03-01T11:45:00.999Z"));
    assertThat(RestorePoint.at(Instant.parse("2026-03-01T11:00:00.0005Z")).instant())
        .isEqualTo(Instant.parse("2026-03-01T11:00:00Z"));
  }

  @Test
  void parse_ofGarbage_isAUsageErrorListingTheForms() {
    assertThatThrownBy(() -> RestorePoint.parse("yesterday", clock))
        .isInstanceOf(PitrException.class)
        .hasMessage(
            "--to 'yesterday' is not a restore point; pass an ISO-8601 instant"
                + " (2026-01-31T09:30:00Z), latest, or a relative time like -15m or -2h")
        .extracting(e -> ((PitrException) e).code())
        .isEqualTo(ErrorCode.USAGE);
  }
}
