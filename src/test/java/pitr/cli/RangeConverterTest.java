package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RangeConverterTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-5        | -5 is out of range; pass 0-1,000,000 (0 = no cap)",
        "NaN       | NaN is not a number; pass 0-1,000,000 (0 = no cap)",
        "nan       | nan is not a number; pass 0-1,000,000 (0 = no cap)",
        "Infinity  | Infinity is out of range; pass 0-1,000,000 (0 = no cap)",
        "-Infinity | -Infinity is out of range; pass 0-1,000,000 (0 = no cap)",
        "1000001   | 1000001 is out of range; pass 0-1,000,000 (0 = no cap)",
        "1e9       | 1e9 is out of range; pass 0-1,000,000 (0 = no cap)",
        "2.5       | 2.5 is not a whole number; pass 0-1,000,000 (0 = no cap)",
        "0x10      | 0x10 is not a whole number; pass 0-1,000,000 (0 = no cap)",
        "1d        | 1d is not a whole number; pass 0-1,000,000 (0 = no cap)",
        "ten       | ten is not a whole number; pass 0-1,000,000 (0 = no cap)",
      })
  void writeUnits_refuseAnythingButAWholeNumberFrom0ToAMillion(String text, String message) {
    assertThatThrownBy(() -> new Ranges.WriteUnits().convert(text))
        .isInstanceOf(InvalidOptionValue.class)
        .hasMessage(message);
  }

  @Test
  void writeUnits_takeZeroAsNoCap_andWholeNumbersWrittenAnyDecimalWay() {
    assertThat(new Ranges.WriteUnits().convert("0").unitsPerSecond()).isZero();
    assertThat(new Ranges.WriteUnits().convert(" 1000 ").unitsPerSecond()).isEqualTo(1000);
    assertThat(new Ranges.WriteUnits().convert("1e3").unitsPerSecond()).isEqualTo(1000);
    assertThat(new Ranges.WriteUnits().convert("1000000").unitsPerSecond()).isEqualTo(1_000_000);
    assertThat(new Ranges.WriteUnits().convert("0").toString()).isEqualTo("0, no cap");
    assertThat(new Ranges.WriteUnits().convert("25000").toString()).isEqualTo("25,000");
  }

  @Test
  void emptyText_isNamedAsEmpty() {
    assertThatThrownBy(() -> new Ranges.Concurrency().convert(""))
        .hasMessage("'' is empty; pass 1-1,000");
    assertThatThrownBy(() -> new Ranges.RestoreTimeout().convert(" "))
        .hasMessage("' ' is empty; pass 1s-7d (durations look like 90s, 15m, 2h, 1d or PT2H)");
  }

  @Test
  void wholeNumbers_fitTheirFieldAndRange() {
    assertThat(new Ranges.Concurrency().convert("1000")).isEqualTo(1000);
    assertThat(new Ranges.MigrateBenchItems().convert("100000000")).isEqualTo(100_000_000L);
    assertThatThrownBy(() -> new Ranges.Concurrency().convert("99999999999999999999999"))
        .hasMessage("99999999999999999999999 is out of range; pass 1-1,000");
    assertThatThrownBy(() -> new Ranges.Port().convert("65536"))
        .hasMessage("65536 is out of range; pass 0-65535 (0 picks a free port)");
  }

  @Test
  void decimals_takeFractionsInsideTheirRange() {
    assertThat(new Ranges.Scale().convert("0.02")).isEqualTo(0.02);
    assertThatThrownBy(() -> new Ranges.Scale().convert("0"))
        .hasMessage("0 is out of range; pass 0.001-1,000");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "90s   | PT1M30S",
        "15m   | PT15M",
        "2h    | PT2H",
        "1d    | PT24H",
        "1h30m | PT1H30M",
        "PT2H  | PT2H",
        "pt2h  | PT2H",
        "P1D   | PT24H",
      })
  void durations_haveOneSyntax_shortUnitsOrIso8601(String text, String iso) {
    assertThat(new Ranges.RestoreTimeout().convert(text)).isEqualTo(Duration.parse(iso));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "-5m   | -5m is negative; pass 1s-7d",
        "-PT5S | -PT5S is negative; pass 1s-7d",
        "PT-5S | PT-5S is negative; pass 1s-7d",
        "0s    | 0s is out of range; pass 1s-7d",
        "0     | 0 is out of range; pass 1s-7d",
        "8d    | 8d is out of range; pass 1s-7d",
        "5     | 5 is not a duration; pass 1s-7d (durations look like 90s, 15m, 2h, 1d or PT2H)",
        "5x    | 5x is not a duration; pass 1s-7d (durations look like 90s, 15m, 2h, 1d or PT2H)",
        "2w    | 2w is not a duration; pass 1s-7d (durations look like 90s, 15m, 2h, 1d or PT2H;"
            + " count weeks, months and years in days, e.g. 180d)",
      })
  void durations_refuseNegativeZeroTooLongAndUnknownForms(String text, String message) {
    assertThatThrownBy(() -> new Ranges.RestoreTimeout().convert(text))
        .isInstanceOf(InvalidOptionValue.class)
        .hasMessage(message);
  }

  @Test
  void durations_thatMayBeZero_sayTheirRangeFrom0s() {
    assertThat(new Ranges.Age().convert("0s")).isZero();
    assertThat(new Ranges.Age().convert("0")).isZero();
    assertThat(new Ranges.EngineDelay().convert("0")).isZero();
    assertThat(new Ranges.EngineDelay().range()).isEqualTo("0s-1d");
    assertThat(new Ranges.Age().range()).isEqualTo("0s-36500d");
  }
}
