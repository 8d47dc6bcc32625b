package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MigrateCommandTest extends MigrateEngineFixture {
  @Test
  void dev_withOnlyAwsEndpointUrlSet_runsAgainstThatEndpoint() throws Exception {
    Path m = migrations();
    CliRun run = new CliRun();
    run.root().target().env = java.util.Map.of("AWS_ENDPOINT_URL", endpoint);

    int code =
        run.execute(
            "migrate",
            "dev",
            "0002",
            "--dry-run",
            "--migrations-dir",
            m.toString(),
            "--seed",
            fixture("tenants.jsonl").toString());

    assertThat(code).as(run.err()).isZero();
    // Seeded into the served engine, not an in-process one that vanishes with the command.
    assertThat(tableExists("tenants")).isTrue();
  }

  @Test
  void new_writesTheNextNumberedFileFromTheTemplate_andItPassesTheLint() throws Exception {
    Path m = migrations();
    CliRun run = new CliRun();

    int code = run.execute("migrate", "new", "drop_legacy_flags", "--migrations-dir", m.toString());

    assertThat(code).isZero();
    assertThat(run.out()).isEqualTo("Created " + m.resolve("0003_drop_legacy_flags.java") + "\n");
    CliRun lint = new CliRun();
    assertThat(lint.execute("migrate", "lint", "--migrations-dir", m.toString())).isZero();
    assertThat(lint.out())
        .isEqualTo(
            "ok   0001_cars_get_a_price\nok   0002_remove_root_url\nok   0003_drop_legacy_flags\n");
  }

  @Test
  void dev_withSeed_runsOnTheEmbeddedEngineByDefault_andPrintsTheReport() throws Exception {
    Path m = migrations();
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "dev",
            "0001_cars_get_a_price",
            "--migrations-dir",
            m.toString(),
            "--seed",
            fixture("cars.jsonl").toString());

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith(
            "Seeded 7 items into cars\nMigration 0001_cars_get_a_price succeeded in dev (run ")
        .contains("  cars: read 7, put 0, updated 5, deleted 0, condition failed 1, 5.0 WCU\n")
        // Six intents, one withdrawn (its condition failed), and commit markers: one when the
        // journal opens, one per scan page that finds none being stored, one at the end.
        .containsPattern("\n  journal: 5 entries, (9|1[0-2])\\.0 WCU\n")
        .endsWith("  counter skipped.no-msrp = 1\n");
  }

  @Test
  void dev_showsProgressAndMetrics_asEveryWritingCommandDoes() throws Exception {
    Path m = migrations();
    CliRun run = new CliRun();

    // 5 WCU/s keeps the run going for a second or more, so progress lines come every 200 ms.
    int code =
        run.execute(
            "migrate",
            "dev",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--seed",
            fixture("cars.jsonl").toString(),
            "--max-wcu",
            "5",
            "--progress-interval",
            "200ms",
            "--metrics",
            "emf",
            "--metrics-namespace",
            "pitr/dev");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.err())
        .containsPattern("progress command=migrate items_read=\\d+ items_written=\\d+ .* eta=")
        .contains("\"_aws\":")
        .contains("\"Namespace\":\"pitr/dev\"")
        .contains("summary command=migrate items_read=7 items_written=5 ");
    assertThat(run.err()).containsPattern("\"pitr.items.written\":5(\\.0)?[,}]");
  }

  @Test
  void bench_reportsEachRoundTheMediansAndTheOverhead() {
    CliRun run = new CliRun();

    int code = run.execute("migrate", "bench", "--items", "300", "--rounds", "1", "--warmup", "0");

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith(
            "Seeding 300 items, then 0 warm-up and 1 counted rounds each with journal on and"
                + " off...\nitems: 300\n")
        .containsPattern(
            "\njournal on  per round: \\d+ items/s \\d+\\.\\d us CPU \\d+\\.\\d{4} WCU\n")
        .containsPattern("\njournal off per round: \\d+ items/s \\d+\\.\\d us CPU\n")
        .containsPattern(
            "\nmedian items/s: journal on \\d+, journal off \\d+; journal overhead"
                + " x\\d+\\.\\d\\d \\(time on/off\\)\n")
        .containsPattern(
            "\nmedian CPU per item: journal on \\d+\\.\\d us, journal off \\d+\\.\\d us;"
                + " journal overhead x\\d+\\.\\d\\d \\(CPU on/off\\)\n")
        .containsPattern("\nmedian journal WCU per item: \\d+\\.\\d{4}\n$");
  }

  @Test
  void unknownName_exitsTwo_suggestingTheNearestNames() throws Exception {
    Path m = migrations();
    CliRun run = new CliRun();

    int code = run.execute("migrate", "dev", "0001_car_price", "--migrations-dir", m.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: No migration named 0001_car_price in "
                + m
                + "; did you mean 0001_cars_get_a_price?\n");
  }

  @Test
  void fileThatDoesNotCompile_exitsTwo_withFileLineAndColumn() throws Exception {
    Path m = migrations();
    Files.writeString(
        m.resolve("0003_broken.java"),
        "import pitr.migrate.api.*;\nclass Broken implements Migration {\n  int x = nope;\n}\n");
    CliRun run = new CliRun();

    int code = run.execute("migrate", "dev", "0003", "--migrations-dir", m.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .startsWith(
            "error: Migration 0003_broken does not compile; fix these and rerun:\n"
                + m.resolve("0003_broken.java")
                + ":2:1: error: ")
        .contains(m.resolve("0003_broken.java") + ":3:11: error: cannot find symbol");
  }

  @Test
  void classThatDoesNotImplementTheApi_exitsTwo() throws Exception {
    Path m = migrations();
    Files.writeString(m.resolve("0003_plain.java"), "/** Nothing. */\nclass Plain {}\n");
    CliRun run = new CliRun();

    int code = run.execute("migrate", "dev", "0003_plain", "--migrations-dir", m.toString());

    assertThat(code).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "error: Migration 0003_plain declares no class implementing"
                + " pitr.migrate.api.Migration; declare exactly one, e.g. 'class Plain implements"
                + " Migration { ... }' (see 'pitr migrate new')\n");
  }

  @Test
  void lint_failsOnAFileUsingTheRawClient_andTheRunnerRefusesIt() throws Exception {
    Path m = migrations();
    Path bad = m.resolve("0003_raw.java");
    Files.writeString(
        bad,
        Files.readString(m.resolve("0001_cars_get_a_price.java"))
            .replace(
                "import java.math.BigDecimal;",
                "import java.math.BigDecimal;\n"
                    + "import software.amazon.awssdk.services.dynamodb.DynamoDbClient;")
            .replace("class CarsGetAPrice", "class Raw")
            .replace(
                "static final String TABLE", "DynamoDbClient raw;\n  static final String TABLE"));
    CliRun lint = new CliRun();
    CliRun dev = new CliRun();

    int lintCode = lint.execute("migrate", "lint", "--migrations-dir", m.toString());
    int devCode = dev.execute("migrate", "dev", "0003_raw", "--migrations-dir", m.toString());

    String problem =
        bad
            + ":2:1: lint: import of software.amazon.awssdk.services.dynamodb.DynamoDbClient is"
            + " not allowed: the raw DynamoDB client bypasses the journal, the --max-wcu budget"
            + " and dry runs; write through context.table(...) (or add '0003_raw"
            + " software.amazon.awssdk.services.dynamodb.DynamoDbClient <reason>' to"
            + " migrations/lint-exceptions.txt)";
    assertThat(lintCode).isEqualTo(2);
    assertThat(lint.out())
        .isEqualTo(
            "ok   0001_cars_get_a_price\nok   0002_remove_root_url\nFAIL 0003_raw\n  "
                + problem
                + "\n");
    assertThat(lint.err())
        .isEqualTo("error: 1 of 3 migrations failed the lint; fix the problems above\n");
    assertThat(devCode).isEqualTo(2);
    assertThat(dev.err())
        .isEqualTo("error: Migration 0003_raw breaks the migration lint:\n" + problem + "\n");
  }

  @Test
  void prod_withPitrOff_refusesWithExitThree_sayingHowToFixIt_andWritesNothing() throws Exception {
    Path m = migrations();
    seedCars(m);
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "prod",
            "0001",
            "--yes",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo(
            "error: Preflight refused prod run of 0001_cars_get_a_price; nothing was written:\n"
                + "  Table cars has point-in-time recovery off, so this run could not be undone;"
                + " enable it with 'aws dynamodb update-continuous-backups --table-name cars"
                + " --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true' and"
                + " rerun\n");
    assertThat(tableExists("pitr-ledger")).isFalse();
  }

  @Test
  void prod_withoutConfirmation_refusesWithExitThree() throws Exception {
    Path m = migrations();
    seedCars(m);
    enableCarsPitr();
    CliRun run = new CliRun();
    run.migrate().input = new BufferedReader(new StringReader("n\n"));

    int code =
        run.execute(
            "migrate",
            "prod",
            "0001",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).isEqualTo(3);
    assertThat(run.out())
        .isEqualTo(
            "Preflight passed. Run 0001_cars_get_a_price in prod against "
                + endpoint
                + "? [y/N] \n");
    assertThat(run.err())
        .isEqualTo("error: Not confirmed; nothing was written. Pass --yes to skip the question\n");
    assertThat(tableExists("pitr-ledger")).isFalse();
  }

  @Test
  void prod_afterPreflight_runs_thenListStampAndStaleReadTheLedger() throws Exception {
    Path m = migrations();
    seedCars(m);
    enableCarsPitr();
    CliRun run = new CliRun();
    run.migrate().input = new BufferedReader(new StringReader("yes\n"));

    int code =
        run.execute(
            "migrate",
            "prod",
            "0001",
            "--backup",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint);

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Migration 0001_cars_get_a_price succeeded in prod (run ")
        .contains("  cars: read 0, put 0, updated 0, deleted 0, condition failed 0, 0.0 WCU\n")
        .contains("  note: backup of cars: arn:aws:dynamodb:");
    // Before its first write: the exact command that continues it if it is interrupted.
    assertThat(run.err())
        .containsPattern("Run \\S+ of 0001_cars_get_a_price started; ")
        .contains(
            " started; if it is interrupted, continue it with: pitr migrate"
                + " resume 0001_cars_get_a_price --prod --migrations-dir "
                + m
                + " --endpoint-url "
                + endpoint
                + "\n");

    CliRun list = new CliRun();
    int listCode =
        list.execute(
            "migrate", "list", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);
    assertThat(listCode).as(list.err()).isZero();
    assertThat(list.out())
        .startsWith("MIGRATION                            STATE        MODE  STARTED")
        .containsPattern("\n0001_cars_get_a_price +succeeded +prod +20\\d\\d-")
        .containsPattern("\n0002_remove_root_url +pending +- +- +- +\n");

    CliRun stamp = new CliRun();
    assertThat(
            stamp.execute(
                "migrate",
                "stamp",
                "0001",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                endpoint))
        .isZero();
    assertThat(stamp.out())
        .isEqualTo("Stamped " + m.resolve("0001_cars_get_a_price.java") + " with 1 run\n");
    String header = Files.readString(m.resolve("0001_cars_get_a_price.java"));
    assertThat(header)
        .doesNotContain("(not run yet)")
        .containsPattern(
            " \\* Execution Time: 20\\d\\d-\\d\\d-\\d\\dT[0-9:.]+Z\n \\* Finalization Time: 20\\d\\d-")
        .contains(" */\nclass CarsGetAPrice");

    CliRun stale = new CliRun();
    stale.migrate().clock = Clock.fixed(Instant.now().plus(Duration.ofDays(2)), ZoneOffset.UTC);
    assertThat(
            stale.execute(
                "migrate",
                "stale",
                "--older-than",
                "1d",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                endpoint))
        .isZero();
    assertThat(stale.out()).containsPattern("\n0001_cars_get_a_price +succeeded +prod ");
    assertThat(stale.out()).doesNotContain("0002");

    Files.delete(m.resolve("0001_cars_get_a_price.java"));
    CliRun after = new CliRun();
    after.execute("migrate", "list", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);
    assertThat(after.out())
        .containsPattern("\n0001_cars_get_a_price +succeeded +prod .* file deleted\n");
  }

  @Test
  void unlock_showsTheHolder_andBreaksTheLockAfterConfirmation() throws Exception {
    Path m = migrations();
    seedCars(m);
    CliRun dev = new CliRun();
    dev.execute(
        "migrate", "dev", "0001", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);
    client.putItem(r -> r.tableName("pitr-ledger").item(lockItem())).join();
    CliRun refused = new CliRun();
    int refusedCode =
        refused.execute(
            "migrate", "dev", "0001", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);
    CliRun unlock = new CliRun();
    unlock.migrate().input = new BufferedReader(new StringReader("y\n"));

    int code = unlock.execute("migrate", "unlock", "--endpoint-url", endpoint);

    assertThat(refusedCode).isEqualTo(3);
    assertThat(refused.err())
        .startsWith(
            "error: Another migration run holds the lock in pitr-ledger: run"
                + " 20260101T000000Z-abcdef of 0001_cars_get_a_price by bob on box2 since"
                + " 2026-01-01T00:00:00Z (last heartbeat ");
    assertThat(code).isZero();
    assertThat(unlock.out())
        .isEqualTo(
            "The migration lock in pitr-ledger is held by run 20260101T000000Z-abcdef of"
                + " 0001_cars_get_a_price by bob on box2 since 2026-01-01T00:00:00Z (lease expires"
                + " 2099-01-01T00:00:00Z).\n"
                + "Break it? [y/N] \n"
                + "Unlocked. Run 20260101T000000Z-abcdef is FAILED or RUNNING in the ledger; resume"
                + " it with: pitr migrate resume 0001_cars_get_a_price --endpoint-url "
                + endpoint
                + " (add --prod for a prod run), or see what rolling it back would restore with:"
                + " pitr migrate rollback 0001_cars_get_a_price --dry-run --endpoint-url "
                + endpoint
                + "\n");
    CliRun again = new CliRun();
    assertThat(
            again.execute(
                "migrate",
                "dev",
                "0001",
                "--migrations-dir",
                m.toString(),
                "--endpoint-url",
                endpoint))
        .isZero();
  }

  private static java.util.Map<
          String, software.amazon.awssdk.services.dynamodb.model.AttributeValue>
      lockItem() {
    return RollbackTestEngine.lockItem(
        "20260101T000000Z-abcdef",
        "0001_cars_get_a_price",
        "bob",
        "box2",
        java.time.Instant.parse("2026-01-01T00:00:00Z"),
        java.time.Instant.parse("2026-01-01T00:00:30Z"),
        java.time.Instant.parse("2099-01-01T00:00:00Z"));
  }

  private static software.amazon.awssdk.services.dynamodb.model.AttributeValue s(String v) {
    return software.amazon.awssdk.services.dynamodb.model.AttributeValue.fromS(v);
  }
}
