package pitr.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pitr.local.EngineConfig;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The incident the rollback and export CLI tests undo, on a {@link LocalCli}: table {@code orders}
 * of items {@code (pk, v)} with PITR on holds a, b and c at v1; then {@link #t0}; then the incident
 * sets a to bad, deletes b and (in {@link #withExports}) creates n as bad; then {@link #t1}.
 */
final class OrdersIncident implements AutoCloseable {
  final LocalCli cli;
  final Instant t0;
  final Instant t1;

  private OrdersIncident(LocalCli cli, boolean createsN, Duration incident, Duration after) {
    this.cli = cli;
    cli.local.createTable("orders");
    cli.local.enablePitr("orders");
    put("a", "v1");
    put("b", "v1");
    put("c", "v1");
    cli.clock.advance(Duration.ofMinutes(1));
    t0 = cli.clock.instant().truncatedTo(ChronoUnit.MILLIS);
    cli.clock.advance(Duration.ofMinutes(1));
    put("a", "bad");
    cli.local
        .client
        .deleteItem(r -> r.tableName("orders").key(Map.of("pk", AttributeValue.fromS("b"))))
        .join();
    if (createsN) {
      put("n", "bad");
    }
    cli.clock.advance(incident);
    t1 = cli.clock.instant().truncatedTo(ChronoUnit.MILLIS);
    cli.clock.advance(after);
  }

  /** The incident (a to bad, b deleted) on an engine that restores at once; now is T1 + 1m. */
  static OrdersIncident restoring() {
    return new OrdersIncident(
        new LocalCli(EngineConfig.defaults().withRestoreLag(Duration.ZERO)),
        false,
        Duration.ofMinutes(1),
        Duration.ofMinutes(1));
  }

  /**
   * The incident (a to bad, b deleted, n created) on an engine that also writes exports of at least
   * a minute into {@code dir}/s3, laid out as buckets; T1 is 3 minutes after the incident began,
   * and now is T1 + 5m.
   */
  static OrdersIncident withExports(Path dir) throws Exception {
    Files.createDirectories(dir.resolve("s3/exports"));
    return new OrdersIncident(
        new LocalCli(
            EngineConfig.defaults()
                .withRestoreLag(Duration.ZERO)
                .withExports(
                    EngineConfig.Exports.DEFAULTS
                        .withMinWindow(Duration.ofMinutes(1))
                        .withDirectory(dir.resolve("s3")))),
        true,
        Duration.ofMinutes(3),
        Duration.ofMinutes(5));
  }

  void put(String pk, String v) {
    cli.local
        .client
        .putItem(
            r ->
                r.tableName("orders")
                    .item(Map.of("pk", AttributeValue.fromS(pk), "v", AttributeValue.fromS(v))))
        .join();
  }

  /** {@code rollback orders --to T0 --incident-end T1 --state-dir STATE}, then {@code more}. */
  List<String> rollback(Path state, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "rollback",
                "orders",
                "--to",
                t0.toString(),
                "--incident-end",
                t1.toString(),
                "--state-dir",
                state.toString()));
    args.addAll(List.of(more));
    return args;
  }

  /** {@code orders} as pk to v. */
  Map<String, String> orders() {
    Map<String, String> out = new TreeMap<>();
    cli.local.contents("orders").forEach((pk, item) -> out.put(pk, item.get("v").s()));
    return out;
  }

  /** The engine's tables, sorted. */
  List<String> tables() {
    return cli.local.client.listTables().join().tableNames().stream().sorted().toList();
  }

  /** The exports the engine made or is making. */
  int exports() {
    return cli.local.client.listExports(r -> {}).join().exportSummaries().size();
  }

  @Override
  public void close() {
    cli.close();
  }
}
