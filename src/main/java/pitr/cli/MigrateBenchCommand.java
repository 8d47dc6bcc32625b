package pitr.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import pitr.migrate.MigrateBenchmark;
import pitr.migrate.MigrationEnvironment;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/**
 * {@code pitr migrate bench}: items per second of a migration updating every item of a table on the
 * embedded engine, with the journal on and off.
 */
@TargetUse(why = "measures on the embedded engine in-process")
@TextReport
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = {
      "Benchmark: a migration that updates every item of a table on the embedded engine"
          + " (in-process), with the journal on and off, in interleaved rounds.",
      "Prints items/s and CPU per item per round, the medians and the journal overhead."
    })
final class MigrateBenchCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--items",
      defaultValue = "1000000",
      paramLabel = "N",
      converter = Ranges.MigrateBenchItems.class,
      description = "Items in the table, 1-100,000,000 (default: ${DEFAULT-VALUE}).")
  long items;

  @Option(
      names = "--rounds",
      defaultValue = "3",
      paramLabel = "N",
      converter = Ranges.Rounds.class,
      description = "Rounds per mode, 1-100 (default: ${DEFAULT-VALUE}).")
  int rounds;

  @Option(
      names = "--warmup",
      defaultValue = "1",
      paramLabel = "N",
      converter = Ranges.WarmupRounds.class,
      description = "Uncounted warm-up rounds per mode first, 0-100 (default: ${DEFAULT-VALUE}).")
  int warmup;

  @Override
  public Integer call() throws Exception {
    MigrateCommand parent = MigrateCommand.of(spec);
    PrintWriter out = spec.commandLine().getOut();
    Path dir = Files.createTempDirectory("pitr-bench-");
    try (DynamoDbAsyncClient client = LocalDynamoDbAsyncClient.owning(LocalEngine.create())) {
      MigrationEnvironment env =
          MigrationEnvironment.create(
              client,
              parent.clock,
              parent.scheduler,
              MigrationEnvironment.Settings.defaults("the embedded engine (bench)"));
      out.println(
          "Seeding "
              + items
              + " items, then "
              + warmup
              + " warm-up and "
              + rounds
              + " counted rounds each with journal on and off...");
      out.flush();
      MigrateBenchmark.Result r = new MigrateBenchmark(env, dir).run(items, rounds, warmup).block();
      out.println("items: " + r.items());
      out.println("journal on  per round: " + rounds(r.withJournal()));
      out.println("journal off per round: " + rounds(r.withoutJournal()));
      out.printf(
          Locale.ROOT,
          "median items/s: journal on %.0f, journal off %.0f; journal overhead x%.2f (time on/off)%n",
          r.medianWithJournal(),
          r.medianWithoutJournal(),
          r.overhead());
      out.printf(
          Locale.ROOT,
          "median CPU per item: journal on %.1f us, journal off %.1f us; journal overhead x%.2f"
              + " (CPU on/off)%n",
          r.medianCpuWithJournal(),
          r.medianCpuWithoutJournal(),
          r.cpuOverhead());
      out.printf(Locale.ROOT, "median journal WCU per item: %.4f%n", r.medianJournalWcuPerItem());
      out.flush();
    } finally {
      try (var files = Files.walk(dir)) {
        files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    return 0;
  }

  private static String rounds(java.util.List<MigrateBenchmark.Round> values) {
    return String.join(
        ", ",
        values.stream()
            .map(
                v ->
                    String.format(
                        Locale.ROOT,
                        "%.0f items/s %.1f us CPU%s",
                        v.itemsPerSecond(),
                        v.cpuMicrosPerItem(),
                        v.journalWcuPerItem() > 0
                            ? String.format(Locale.ROOT, " %.4f WCU", v.journalWcuPerItem())
                            : ""))
            .toList());
  }
}
