package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code pitr migrate dev --dry-run}: it writes nothing, and counts and samples the writes a run
 * would make, checking their conditions as DynamoDB would.
 */
class MigrateDryRunTest extends MigrateEngineFixture {
  @Test
  void dev_dryRun_writesNothing_andReportsCountsSamplesAndEstimate() throws Exception {
    Path m = migrations();
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate",
            "dev",
            "0002",
            "--dry-run",
            "--max-wcu",
            "2",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint,
            "--seed",
            fixture("tenants.jsonl").toString());

    assertThat(code).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith(
            "Seeded 7 items into tenants\n"
                + "Dry run of 0002_remove_root_url in dev: nothing was written\n"
                + "  tenants: read 3, would put 0, update 3, delete 0\n"
                + "  estimate: 6.0 WCU with journal, 3.0s at --max-wcu 2.0\n"
                + "  sample tenants UPDATE {\"pk\":{\"S\":\"ORG#");
    assertThat(run.out()).contains("    after  {").contains("\"rootUrl\"");
    assertThat(tableExists("pitr-ledger")).isFalse();
    assertThat(
            client.scan(r -> r.tableName("tenants")).join().items().stream()
                .filter(i -> i.containsKey("rootUrl"))
                .count())
        .isEqualTo(5);
  }

  @Test
  void dev_dryRun_countsOnlyTheWritesWhoseConditionHolds_asTheRunThenWrites() throws Exception {
    Path m = migrations();
    String[] args = {
      "migrate",
      "dev",
      "0001",
      "--migrations-dir",
      m.toString(),
      "--endpoint-url",
      endpoint,
      "--seed",
      fixture("cars.jsonl").toString()
    };
    CliRun dry = new CliRun();

    assertThat(dry.execute(concat(args, "--dry-run"))).as(dry.err()).isZero();
    // car#007 has a price already: the update's attribute_not_exists(price) would fail.
    assertThat(dry.out())
        .contains(
            "  cars: read 7, would put 0, update 5, delete 0, skip 1 (their condition would fail,"
                + " or the item is gone)\n")
        .doesNotContain("UPDATE {\"pk\":{\"S\":\"car#007\"}}");

    CliRun run = new CliRun();
    assertThat(run.execute(args)).as(run.err()).isZero();
    assertThat(run.out())
        .contains("  cars: read 7, put 0, updated 5, deleted 0, condition failed 1, 5.0 WCU\n");
  }

  @Test
  void dev_dryRun_ofAConditionDynamoDbWouldRefuse_exits2NamingIt() throws Exception {
    Path m = migrations();
    Files.writeString(
        m.resolve("0003_bad_condition.java"),
        """
        import java.util.Set;
        import pitr.migrate.api.Condition;
        import pitr.migrate.api.Migration;
        import pitr.migrate.api.MigrationContext;
        import pitr.migrate.api.MigrationTable;
        import pitr.migrate.api.Update;
        import reactor.core.publisher.Mono;
        import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

        /** Bad condition: a placeholder it never defines. */
        class BadCondition implements Migration {
          @Override
          public Set<String> tables() {
            return Set.of("cars");
          }

          @Override
          public Mono<Void> run(MigrationContext context) {
            MigrationTable cars = context.table("cars");
            return cars.forEachItem(
                    car ->
                        cars.update(
                            car,
                            Update.set("price", AttributeValue.fromN("1"))
                                .when(Condition.of("attribute_not_exists(#nope)"))))
                .then();
          }
        }
        """);
    CliRun dry = new CliRun();

    int code =
        dry.execute(
            "migrate",
            "dev",
            "0003",
            "--dry-run",
            "--migrations-dir",
            m.toString(),
            "--endpoint-url",
            endpoint,
            "--seed",
            fixture("cars.jsonl").toString());

    assertThat(code).isEqualTo(2);
    assertThat(dry.err())
        .contains("Condition attribute_not_exists(#nope) of a write would be refused by DynamoDB: ")
        .contains("#nope");
  }

  private static String[] concat(String[] args, String... more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
