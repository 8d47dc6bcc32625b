package pitr.dynamo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {
  @Test
  void parse_readsShortAndIsoForms() {
    assertThat(Durations.parse("15m")).isEqualTo(Duration.ofMinutes(15));
    assertThat(Durations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
    assertThat(Durations.parse("PT20M")).isEqualTo(Duration.ofMinutes(20));
  }

  @Test
  void parse_ofGarbage_saysWhatFormIsExpected() {
    assertThatThrownBy(() -> Durations.parse("soon"))
        .hasMessage("'soon' is not a duration like 20m or 1h30m");
  }

  @Test
  void format_printsTheLargestUnitsFirst() {
    assertThat(Durations.format(Duration.ofSeconds(3905))).isEqualTo("1h5m5s");
    assertThat(Durations.format(Duration.ofMillis(350))).isEqualTo("350ms");
  }
}
