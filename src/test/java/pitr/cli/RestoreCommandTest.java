package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import pitr.local.EngineConfig;
import software.amazon.awssdk.services.dynamodb.model.Tag;

class RestoreCommandTest {
  private final LocalCli cli = new LocalCli(EngineConfig.defaults());

  @AfterEach
  void stop() {
    cli.close();
  }

  private void orders() {
    cli.local
        .client
        .createTable(
            r ->
                r.tableName("orders")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                    .keySchema(k -> k.attributeName("pk").keyType("HASH"))
                    .tags(Tag.builder().key("team").value("payments").build())
                    .streamSpecification(s -> s.streamEnabled(true).streamViewType("NEW_IMAGE")))
        .join();
    cli.local.enablePitr("orders");
  }

  @Test
  void restore_ofAMistypedTable_exits2SuggestingTheTableItHas_andCreatesNothing() {
    orders();

    assertThat(cli.exit("restore", "ordres", "--to", "-1s")).isEqualTo(2);

    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table ordres does not exist in "
                + cli.local.endpoint()
                + "; did you mean orders? Check the name and region\n");
    assertThat(cli.local.client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void restore_toAnInstantBetweenWrites_createsATaggedTableWithTheEarlierState() {
    orders();
    cli.local.fill("orders", 0, 100, "v1", 10);
    cli.clock.advance(Duration.ofMillis(20));
    // Whole milliseconds: pitr takes a restore point to the millisecond, as DynamoDB does.
    Instant between = cli.clock.instant().truncatedTo(ChronoUnit.MILLIS);
    cli.clock.advance(Duration.ofMillis(20));
    cli.local.fill("orders", 0, 100, "v2", 10);
    // Past the engine's restore lag (1 s), so the restore window reaches both writes.
    cli.clock.advance(Duration.ofSeconds(2));

    assertThat(cli.exit("restore", "orders", "--to", between.toString(), "--poll-interval", "50ms"))
        .isZero();

    String out = cli.last.out();
    assertThat(out)
        .containsPattern(
            "Restored orders as of " + between + " into orders-recovery-[0-9a-f]{6} \\(ACTIVE, ");
    String name = out.replaceAll("(?s).* into (orders-recovery-[0-9a-f]{6}).*", "$1");
    assertThat(cli.local.contents(name)).hasSize(100);
    assertThat(cli.local.contents(name).values()).allMatch(i -> i.get("v").s().equals("v1"));
    String arn = cli.local.client.describeTable(r -> r.tableName(name)).join().table().tableArn();
    Map<String, String> tags = new java.util.HashMap<>();
    cli.local
        .client
        .listTagsOfResource(r -> r.resourceArn(arn))
        .join()
        .tags()
        .forEach(t -> tags.put(t.key(), t.value()));
    assertThat(tags)
        .containsEntry("pitr:recovery-of", "orders")
        .containsEntry("pitr:restore-point", between.toString())
        .containsKey("pitr:created-by");
    assertThat(out)
        .contains("Not carried over from orders:\n")
        .contains("  - stream (NEW_IMAGE)\n")
        .contains("  - tags team\n")
        .contains("  - point-in-time recovery (off on " + name + ")\n");
  }

  @Test
  void restore_beforeTheWindow_refusesWithExitThreeAndCreatesNothing() {
    orders();
    Instant hourAgo = cli.clock.instant().minusSeconds(3600).truncatedTo(ChronoUnit.MILLIS);
    assertThat(cli.exit("restore", "orders", "--to", hourAgo.toString())).isEqualTo(3);
    assertThat(cli.last.err())
        .startsWith("error: Table orders can be restored to ")
        .contains(" only, and " + hourAgo + " is before that window; pick an instant inside it");
    assertThat(cli.local.client.listTables().join().tableNames()).containsExactly("orders");
  }

  @Test
  void restore_whenPitrOff_refusesAndSaysHowToTurnItOn() {
    cli.local.createTable("plain");
    assertThat(cli.exit("restore", "plain", "--to", "-1m")).isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Point-in-time recovery is off for table plain, so it cannot be restored to a"
                + " point in time; turn it on with 'aws dynamodb update-continuous-backups"
                + " --table-name plain --point-in-time-recovery-specification"
                + " PointInTimeRecoveryEnabled=true' (only changes made after that can be"
                + " restored)\n");
  }

  @Test
  void restore_toTheFuture_isAUsageError() {
    orders();
    assertThat(cli.exit("restore", "orders", "--to", "+1h")).isEqualTo(2);
    assertThat(cli.last.err())
        .startsWith("error: Restore point ")
        .contains(" is in the future (now is ");
  }

  @Test
  void restore_withBadWhen_isAUsageError() {
    assertThat(cli.exit("restore", "orders", "--to", "soon")).isEqualTo(2);
    assertThat(cli.last.err()).startsWith("error: --to 'soon' is not a restore point");
  }

  @Test
  void restore_ofMissingTable_isAUsageError() {
    assertThat(cli.exit("restore", "ghost", "--to", "latest")).isEqualTo(2);
    assertThat(cli.last.err()).contains("Table ghost does not exist in ");
  }

  @Test
  void restore_withNoWaitAndJson_printsTheResultAsJson() {
    orders();
    cli.clock.advance(Duration.ofSeconds(2));
    assertThat(
            cli.exit(
                "restore",
                "orders",
                "--to",
                "latest",
                "--as",
                "orders-x",
                "--no-wait",
                "--output",
                "json"))
        .isZero();
    assertThat(cli.last.out()).contains("\"target\" : \"orders-x\"").contains("\"notCarriedOver\"");
  }

  @Test
  void restore_intoAnExistingName_isAUsageError() {
    orders();
    cli.local.createTable("taken");
    cli.clock.advance(Duration.ofSeconds(2));
    assertThat(cli.exit("restore", "orders", "--to", "latest", "--as", "taken")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Table taken already exists in "
                + cli.local.endpoint()
                + "; pass another name with --as or drop it first\n");
  }
}
