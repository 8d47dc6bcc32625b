package pitr.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import pitr.migrate.RunRequest;

/**
 * The options of a production migration run, shared by {@code migrate prod} (which runs it) and
 * {@code migrate submit} (which hands them to the Batch job that runs it).
 */
final class ProdRunOptions {
  @Option(
      names = "--backup",
      description =
          "Take an on-demand backup of every declared table before the first write, and wait for"
              + " it.")
  boolean backup;

  @Mixin WriteRateOptions rate = WriteRateOptions.liveTable();

  @Mixin MetricsOptions metrics = new MetricsOptions();

  @Mixin NewRunOption newRun = new NewRunOption();

  @Option(
      names = "--max-restore-lag",
      paramLabel = "DURATION",
      defaultValue = "15m",
      converter = Ranges.RestoreLag.class,
      description =
          "How far LatestRestorableDateTime may trail now, 1s-35d (default: ${DEFAULT-VALUE}).")
  Duration maxRestoreLag;

  /** {@code request} with these options. */
  RunRequest applyTo(RunRequest request) {
    return request
        .withMaxWcu(rate.maxWcu())
        .withBackup(backup)
        .withMaxRestoreLag(maxRestoreLag)
        .withNewRun(newRun.newRun);
  }

  /** These options as {@code migrate prod} arguments. */
  List<String> arguments() {
    List<String> args = new ArrayList<>();
    args.add("--max-wcu");
    args.add(String.format(Locale.ROOT, "%.0f", rate.maxWcu()));
    args.add("--max-restore-lag");
    args.add(maxRestoreLag.getSeconds() + "s");
    if (backup) {
      args.add("--backup");
    }
    if (newRun.newRun) {
      args.add("--new-run");
    }
    args.addAll(metrics.arguments());
    return args;
  }
}
