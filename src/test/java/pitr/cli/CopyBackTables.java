package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import pitr.local.Faults;

/**
 * Recovery table orders-rec and live table orders on an engine, and {@code pitr copy-back} between
 * them with state in a test's folder: the shared setup of the copy-back command tests.
 */
final class CopyBackTables {
  final LocalCli cli;
  private final Path state;

  CopyBackTables(LocalCli cli, Path state) {
    this.cli = cli;
    this.state = state;
  }

  /** Recovery table orders-rec (tagged as a recovery of orders) and live table orders. */
  void recoveryAndLive(int items) {
    cli.local.createTable("orders-rec");
    cli.local.createTable("orders");
    cli.local.tagAsRecovery("orders-rec", "orders", "2026-11-30T02:00:00Z");
    cli.local.fill("orders-rec", 0, items, "good", 100);
    cli.local.fill("orders", 0, items, "bad", 100);
  }

  /**
   * Recovery table orders-rec, provisioned far beyond what the copy needs, with {@code items}
   * items, and an empty on-demand live table orders: on an engine whose on-demand tables take
   * little, the copy's writes are throttled.
   */
  void provisionedRecoveryAndOnDemandLive(int items) {
    cli.local.createProvisioned("orders-rec", 40000, 40000);
    cli.local.createTable("orders");
    cli.local.fill("orders-rec", 0, items, "good", 100);
  }

  /** The live table orders becomes provisioned, beyond the engine's on-demand ceiling. */
  void provisionLive() {
    cli.local
        .client
        .updateTable(
            r ->
                r.tableName("orders")
                    .billingMode("PROVISIONED")
                    .provisionedThroughput(
                        t -> t.readCapacityUnits(1000L).writeCapacityUnits(1000L)))
        .join();
  }

  /** {@code copy-back --from orders-rec --to orders --state-dir STATE}, then {@code extra}. */
  List<String> copyBackArgs(String... extra) {
    return copyBackArgs(state, extra);
  }

  /** {@code copy-back --from orders-rec --to orders --state-dir state}, then {@code extra}. */
  static List<String> copyBackArgs(Path state, String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "copy-back",
                "--from",
                "orders-rec",
                "--to",
                "orders",
                "--state-dir",
                state.toString()));
    args.addAll(List.of(extra));
    return args;
  }

  /** Runs {@link #copyBackArgs}: the exit code. */
  int copy(String... extra) {
    return cli.exit(copyBackArgs(extra).toArray(String[]::new));
  }

  /** What copy-back prints once every item in {@code failures} was written again or filed anew. */
  static String resolved(Path failures) {
    return "resolved "
        + failures
        + ": every item in it was written again or filed anew; renamed to "
        + failures
        + ".resolved\n";
  }

  void assertIdentical() {
    assertThat(cli.local.contents("orders")).isEqualTo(cli.local.contents("orders-rec"));
  }

  /**
   * Every item of orders still holds "bad", as {@link #recoveryAndLive} left it: nothing written.
   */
  void assertLiveStillBad() {
    assertThat(cli.local.contents("orders").values()).allMatch(i -> i.get("v").s().equals("bad"));
  }

  /** No faults and no tables, for the next test. */
  void clear() {
    cli.local.engine.setFaults(Faults.NONE);
    cli.local.deleteAllTables();
  }
}
