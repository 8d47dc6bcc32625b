package pitr.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code --max-wcu} option of every command that writes items: {@code copy-back}, {@code
 * rollback}, {@code migrate dev|prod|submit|resume|rollback}. One range everywhere, 0-1,000,000
 * whole write capacity units per second, 0 meaning no cap; a negative, fractional, NaN or infinite
 * value is refused when the command line is parsed.
 *
 * <p>One default everywhere, {@link #DEFAULT_WCU}: every one of these commands writes into a live
 * table, where an uncapped writer can starve the application of capacity in the middle of an
 * incident. The adaptive limiter still backs off on throttling below the cap; {@code --max-wcu 0}
 * lifts the cap for a table that can take it.
 */
final class WriteRateOptions {
  /** The cap when {@code --max-wcu} is not given, the same for every command. */
  static final double DEFAULT_WCU = 1000;

  @Option(
      names = "--max-wcu",
      paramLabel = "WCU",
      converter = Ranges.WriteUnits.class,
      description =
          "Write capacity units per second at most, 0-1,000,000; 0 = no cap. Below the cap the"
              + " rate adapts: it backs off on throttling and climbs back (default:"
              + " ${DEFAULT-VALUE}).")
  Cap maxWcu = new Cap(DEFAULT_WCU);

  /** The option with the one default, {@link #DEFAULT_WCU}. */
  static WriteRateOptions liveTable() {
    return new WriteRateOptions();
  }

  /** Write units per second at most; 0 for no cap. */
  double maxWcu() {
    return maxWcu.unitsPerSecond();
  }

  /** A cap in write units per second, 0 for none; shown in help as the default. */
  record Cap(double unitsPerSecond) {
    @Override
    public String toString() {
      return unitsPerSecond == 0
          ? "0, no cap"
          : String.format(Locale.ROOT, "%,.0f", unitsPerSecond);
    }
  }
}
