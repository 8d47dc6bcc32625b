package pitr.cli;

import java.util.Locale;
import picocli.CommandLine.Option;

/**
 * The {@code --max-wcu} option of every command that writes items: {@code copy-back}, {@code
 * rollback}, {@code migrate dev|prod|resume|rollback}. One range everywhere, 0-1,000,000 whole
 * write capacity units per second, 0 meaning no cap; a negative, fractional, NaN or infinite value
 * is refused when the command line is parsed.
 *
 * <p>The default is the command's: {@code copy-back} has no cap (its writes only adapt to
 * throttling), rollbacks and migrations 1,000 WCU, since they write into a live table.
 */
final class WriteRateOptions {
  /** The cap of rollbacks and migrations when {@code --max-wcu} is not given. */
  static final double LIVE_TABLE_DEFAULT = 1000;

  @Option(
      names = "--max-wcu",
      paramLabel = "WCU",
      converter = Ranges.WriteUnits.class,
      description =
          "Write capacity units per second at most, 0-1,000,000; 0 = no cap, the rate only"
              + " adapts: it backs off on throttling and climbs back (default: ${DEFAULT-VALUE}).")
  Cap maxWcu;

  private WriteRateOptions(double defaultWcu) {
    maxWcu = new Cap(defaultWcu);
  }

  /** The option with no cap unless one is given ({@code copy-back}). */
  static WriteRateOptions uncapped() {
    return new WriteRateOptions(0);
  }

  /** The option with {@link #LIVE_TABLE_DEFAULT} unless a cap is given. */
  static WriteRateOptions liveTable() {
    return new WriteRateOptions(LIVE_TABLE_DEFAULT);
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
