package pitr.runbook;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class DrillTimelineTest {
  private final DrillResult result = SampleDrill.result();
  private final DrillTimeline time = new DrillTimeline(result);

  @Test
  void markers_areT0TheIncidentsEndTheStartOfRecoveryAndVerified() {
    assertThat(time.markers())
        .extracting(DrillTimeline.Marker::label)
        .containsExactly("T0", "incident end", "recovery start", "verified");
  }

  @Test
  void markers_areToTheMillisecond_asTheDrillRecordsItsMarks() {
    // The sample drill starts at 02:00:00.123456789: its steps' times have nanoseconds.
    assertThat(time.markers())
        .extracting(DrillTimeline.Marker::at)
        .containsExactly(
            Instant.parse("2026-12-05T02:00:01.923Z"),
            Instant.parse("2026-12-05T02:00:03.923Z"),
            Instant.parse("2026-12-05T02:00:13.923Z"),
            Instant.parse("2026-12-05T02:00:16.823Z"));
  }

  @Test
  void offset_leavesTheEnginesClockJumpsOut() {
    assertThat(time.moved()).isEqualTo(Duration.ofSeconds(10));
    assertThat(time.worked()).isEqualTo(Duration.ofMillis(6800));
    assertThat(time.offset(SampleDrill.START.plusMillis(3800))).isEqualTo(3800);
    assertThat(time.offset(SampleDrill.START.plusMillis(8800))).isEqualTo(3800);
    assertThat(time.offset(SampleDrill.START.plusMillis(13_800))).isEqualTo(3800);
    assertThat(time.length()).isEqualTo(6800);
  }

  @Test
  void summary_saysWhatTookTimeAndWhatWasAJump_toTheMillisecond() {
    assertThat(DrillReport.markdown(result))
        .contains("| Started | 2026-12-05T02:00:00.123Z |\n")
        .contains(
            "| Took | 6.80 s (and the engine's clock was moved on 10.00 s by advance steps, which"
                + " took no time) |\n");
  }

  @Test
  void html_namesEveryStepInFull_andLabelsTheChartsAxes() {
    String html = DrillReport.html(result);

    assertThat(html)
        .contains("whose name is long enough to wrap</div>")
        .contains("clock moved +10.00 s")
        .contains("write units per second (WCU/s)")
        .contains("time since the drill started")
        .doesNotContain("02:00:00.123456789")
        .doesNotContain("http://cdn")
        .doesNotContain("<script");
  }
}
