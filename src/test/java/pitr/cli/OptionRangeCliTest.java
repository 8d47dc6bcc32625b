package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Out-of-range numbers and durations given to the commands that write: exit 2 and one line naming
 * the option, the value, the range and the fix, with nothing read or written on the served engine
 * and nothing saved in the state folder.
 */
class OptionRangeCliTest {
  private static RollbackTestEngine engine;
  private static Path migrations;

  @TempDir Path state;

  @BeforeAll
  static void start(@TempDir Path dir) throws IOException {
    engine = new RollbackTestEngine();
    engine.createOrders();
    engine.putMany(3, "good");
    engine
        .client
        .createTable(
            r ->
                r.tableName("orders-rec")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH")))
        .join();
    migrations = RollbackTestEngine.carsMigration(dir);
  }

  @AfterAll
  static void stop() {
    engine.close();
  }

  static Stream<Arguments> copyBack() {
    return Stream.of(
        bad("--max-wcu", "-5", "-5 is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "NaN", "NaN is not a number; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "Infinity", "Infinity is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "1.5", "1.5 is not a whole number; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-rcu", "-1", "-1 is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-rcu", "NaN", "NaN is not a number; pass 0-1,000,000 (0 = no cap)"),
        bad(
            "--segments",
            "0",
            "0 is out of range; pass 1-10,000, or leave --segments out for one per 128 MB of the"
                + " source (4 to 1,000 segments)"),
        bad(
            "--segments",
            "-4",
            "-4 is out of range; pass 1-10,000, or leave --segments out for"
                + " one per 128 MB of the source (4 to 1,000 segments)"),
        bad("--concurrency", "100000000", "100000000 is out of range; pass 1-1,000"),
        bad("--concurrency", "0", "0 is out of range; pass 1-1,000"),
        bad("--retries", "-1", "-1 is out of range; pass 0-100"),
        bad("--max-backoff", "-1s", "-1s is negative; pass 1ms-10m"),
        bad("--progress-interval", "0s", "0s is out of range; pass 100ms-1h"),
        bad(
            "--metrics-port",
            "70000",
            "70000 is out of range; pass 0-65535 (0 picks a free port)"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource
  void copyBack(String option, String value, String message) {
    refused(
        message(option, value, message),
        "copy-back",
        "--from",
        "orders-rec",
        "--to",
        "orders",
        "--yes",
        "--state-dir",
        state.toString(),
        option,
        value);
  }

  static Stream<Arguments> rollback() {
    return Stream.of(
        bad("--max-wcu", "-5", "-5 is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "NaN", "NaN is not a number; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "Infinity", "Infinity is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "1e7", "1e7 is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--restore-timeout", "-PT5S", "-PT5S is negative; pass 1s-7d"),
        bad("--restore-timeout", "0s", "0s is out of range; pass 1s-7d"),
        bad(
            "--restore-timeout",
            "2 hours",
            "2 hours is not a duration; pass 1s-7d (durations look like 90s, 15m, 2h, 1d or"
                + " PT2H)"),
        bad("--retries", "-1", "-1 is out of range; pass 0-100"),
        bad("--chunk-items", "0", "0 is out of range; pass 1-100,000"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource
  void rollback(String option, String value, String message) {
    refused(
        message(option, value, message),
        "rollback",
        "orders",
        "--to",
        "-1m",
        "--yes",
        "--state-dir",
        state.toString(),
        option,
        value);
  }

  static Stream<Arguments> migrateDev() {
    return Stream.of(
        bad("--max-wcu", "-5", "-5 is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "NaN", "NaN is not a number; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "Infinity", "Infinity is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "-Infinity", "-Infinity is out of range; pass 0-1,000,000 (0 = no cap)"),
        bad("--max-wcu", "2000000", "2000000 is out of range; pass 0-1,000,000 (0 = no cap)"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource
  void migrateDev(String option, String value, String message) {
    refused(
        message(option, value, message),
        "migrate",
        "dev",
        "0001",
        "--migrations-dir",
        migrations.toString(),
        "--seed",
        Path.of("migrations", "fixtures", "cars.jsonl").toAbsolutePath().toString(),
        option,
        value);
  }

  static Stream<Arguments> otherMigrateCommands() {
    return Stream.of(
        Arguments.of(List.of("migrate", "prod", "0001", "--yes", "--max-wcu", "-1")),
        Arguments.of(List.of("migrate", "resume", "0001", "--max-wcu", "-1")),
        Arguments.of(List.of("migrate", "rollback", "0001", "--yes", "--max-wcu", "-1")));
  }

  @ParameterizedTest
  @MethodSource
  void otherMigrateCommands(List<String> args) {
    List<String> all = new ArrayList<>(args);
    all.addAll(List.of("--migrations-dir", migrations.toString()));
    refused(
        "error: --max-wcu -1 is out of range; pass 0-1,000,000 (0 = no cap)\n",
        all.toArray(String[]::new));
  }

  @Test
  void rollback_toADayAgo_isARelativeTimeInTheOneDurationSyntax_soTheRestoreWindowDecides() {
    CliRun run = new CliRun();

    int code =
        run.execute(
            "--endpoint-url",
            engine.endpoint,
            "rollback",
            "orders",
            "--to",
            "-1d",
            "--yes",
            "--state-dir",
            state.toString());

    assertThat(code).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .startsWith("error: Table orders can be restored to ")
        .contains("is before that window; pick an instant inside it");
  }

  private static Arguments bad(String option, String value, String message) {
    return Arguments.of(option, value, message);
  }

  private static String message(String option, String value, String rest) {
    assertThat(rest).startsWith(value);
    return "error: " + option + " " + rest + "\n";
  }

  /** Runs {@code pitr --endpoint-url ENGINE args}, expecting exit 2, {@code err} and no change. */
  private void refused(String err, String... args) {
    List<String> tablesBefore = engine.client.listTables().join().tableNames();
    Map<String, String> ordersBefore = engine.orders();
    List<String> all = new ArrayList<>(List.of("--endpoint-url", engine.endpoint));
    all.addAll(List.of(args));
    CliRun run = new CliRun();

    int code = run.execute(all.toArray(String[]::new));

    assertThat(code).as(run.err()).isEqualTo(2);
    assertThat(run.err()).isEqualTo(err);
    assertThat(run.out()).isEmpty();
    assertThat(engine.client.listTables().join().tableNames()).isEqualTo(tablesBefore);
    assertThat(engine.orders()).isEqualTo(ordersBefore);
    assertThat(state).isEmptyDirectory();
  }
}
