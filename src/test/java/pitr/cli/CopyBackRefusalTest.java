package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** What copy-back refuses before writing: exit code, exact message, and nothing written. */
class CopyBackRefusalTest extends CopyBackFixture {
  @Test
  void copyBack_checkpointTableRefusals_exitTwoWithClearMessagesAndWriteNothing() {
    tables.recoveryAndLive(10);
    cli.local.createTable("other-checkpoints");

    assertThat(tables.copy("--checkpoint-table", "other-checkpoints")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Checkpoint table other-checkpoints has the key pk (S), but checkpoints need"
                + " run (S), part (S); pass a --checkpoint-table that does not exist yet (pitr"
                + " creates it) or one pitr created\n");
    assertThat(tables.copy("--checkpoint-table", "orders")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --checkpoint-table orders is the table copied to; name a table of its own for"
                + " checkpoints, e.g. --checkpoint-table pitr-checkpoints\n");
    assertThat(cli.exit("copy-back", "--resume", "ghost", "--checkpoint-table", "ckpt"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: No copy-back run ghost in table ckpt; check --state-dir or"
                + " --checkpoint-table\n");
    assertThat(cli.local.client.listTables().join().tableNames()).doesNotContain("ckpt");
    assertThat(cli.local.contents("other-checkpoints")).isEmpty();
    tables.assertLiveStillBad();
  }

  @Test
  void copyBack_withBadFilterPlaceholders_exitsTwoNamingTheProblemAndWritesNothing()
      throws Exception {
    tables.recoveryAndLive(10);
    Path keys = state.resolve("keys.jsonl");
    Files.writeString(keys, "{\"pk\":\"k1\"}\n");
    Path broken = state.resolve("broken.json");
    Files.writeString(broken, "{\n  \":v\": {\"N\": \"3\"},\n  \":w\" {\"N\": \"4\"}\n}\n");

    assertThat(tables.copy("--filter", "n > :v", "--filter-values", "{\":v\":{\"N\":\"3\"}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values is not valid JSON at line 1, column 16: Unexpected end-of-input:"
                + " expected close marker for Object; pass an object like {\":v\":{\"N\":\"3\"}} (quote it"
                + " for the shell)\n");
    assertThat(tables.copy("--filter", "n > :v", "--filter-values", "file://" + broken))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values file "
                + broken
                + " is not valid JSON at line 3, column 8: Unexpected character ('{' (code 123)): was"
                + " expecting a colon to separate field name and value; pass an object like"
                + " {\":v\":{\"N\":\"3\"}} (quote it for the shell)\n");
    assertThat(tables.copy("--filter", "n > :v")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter 'n > :v' uses :v, which --filter-values does not define; add it, e.g."
                + " --filter-values '{\":v\":{\"N\":\"3\"}}'\n");
    assertThat(
            tables.copy(
                "--filter",
                "n > :v",
                "--filter-values",
                "{\":v\":{\"N\":\"3\"},\":w\":{\"N\":\"4\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values defines :w, which --filter 'n > :v' does not use; remove it or use"
                + " it in --filter\n");
    assertThat(tables.copy("--filter", "n > :v", "--filter-values", "{\"v\":{\"N\":\"3\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values has the key \"v\"; placeholders start with :, as the filter refers"
                + " to them, e.g. {\":v\":{\"N\":\"3\"}}\n");
    assertThat(tables.copy("--filter", "n > :v", "--filter-values", "{\":v\":{\"Q\":\"3\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values is not DynamoDB JSON (attribute :v has unknown type Q); give each"
                + " value with its type, e.g. {\":v\":{\"N\":\"3\"}}\n");
    assertThat(tables.copy("--filter", "n > :v", "--filter-values", "{\":v\":{\"N\":\"three\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values gives :v the number \"three\", which is not a number; give a"
                + " decimal number as a string, e.g. {\":v\":{\"N\":\"3\"}}\n");
    assertThat(tables.copy("--filter", "#s = :v", "--filter-values", "{\":v\":{\"N\":\"3\"}}"))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter '#s = :v' uses #s, which --filter-names does not define; add it, e.g."
                + " --filter-names '{\"#s\":\"attribute\"}'\n");
    assertThat(tables.copy("--filter-values", "{\":v\":{\"N\":\"3\"}}")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter-values needs --filter EXPR, the filter expression that uses them\n");
    assertThat(
            tables.copy(
                "--filter",
                "n > :v",
                "--filter-values",
                "{\":v\":{\"N\":\"3\"}}",
                "--keys",
                keys.toString()))
        .isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --filter chooses items of a scan, but --keys copies exactly the items listed; pass"
                + " one of them, not both\n");
    tables.assertLiveStillBad();
  }

  @Test
  void copyBack_deleteExtraUnconfirmed_saysHowManyFromWhichTableRefusesAndWritesNothing() {
    tables.recoveryAndLive(10);
    cli.local.fill("orders", 10, 15, "new", 10);
    System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
    assertThat(tables.copy("--delete-extra")).isEqualTo(3);
    assertThat(cli.last.err())
        .isEqualTo(
            "Copying recovery table orders-rec → its source orders\n"
                + "note: each item copied replaces what orders holds for its key now with the item"
                + " as it was at 2026-11-30T02:00:00Z, writes made since included; to keep writes"
                + " made after the incident, roll back instead: pitr rollback orders --to"
                + " 2026-11-30T02:00:00Z --incident-end T1 --dry-run\n"
                + "Delete 5 items of orders that orders-rec does not have (recovery table"
                + " orders-rec → its source orders)? [y/N] error: --delete-extra was not"
                + " confirmed, so nothing was written; answer y or pass --yes\n");
    assertThat(cli.local.contents("orders")).hasSize(15);
    assertThat(cli.local.contents("orders").get("k1").get("v").s()).isEqualTo("bad");
  }

  @Test
  void copyBack_refusals_exitTwoWithClearMessagesAndWriteNothing() throws Exception {
    tables.recoveryAndLive(10);
    cli.local
        .client
        .createTable(
            r ->
                r.tableName("other")
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName("id").attributeType("S"))
                    .keySchema(k -> k.attributeName("id").keyType("HASH")))
        .join();
    Path badKeys = state.resolve("bad.jsonl");
    Files.writeString(badKeys, "{\"pk\":\"a\"}\n{\"id\":\"b\"}\n");

    assertThat(cli.exit("copy-back", "--from", "orders", "--to", "orders")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --from and --to both name table orders; copy-back copies a recovery table"
                + " into another table\n");
    assertThat(cli.exit("copy-back", "--from", "orders-rec", "--to", "other")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: Key schemas differ: orders-rec has pk (S) but other has id (S); copy-back"
                + " needs tables with the same key\n");
    assertThat(cli.exit("copy-back", "--from", "ghost", "--to", "orders")).isEqualTo(2);
    assertThat(cli.last.err()).contains("Table ghost does not exist in ");
    assertThat(tables.copy("--keys", badKeys.toString())).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --keys "
                + badKeys
                + " line 2 is not a key of the table: it has no partition key pk; each line must"
                + " be one key as JSON, e.g. {\"pk\":{\"S\":\"...\"}}\n");
    assertThat(tables.copy("--filter", "n >")).isEqualTo(2);
    assertThat(cli.last.err()).startsWith("error: --filter 'n >' is invalid: ");
    assertThat(tables.copy("--worker", "3/2")).isEqualTo(2);
    assertThat(cli.last.err())
        .isEqualTo(
            "error: --worker 3/2 is invalid; pass I/N with 1 <= I <= N, e.g. --worker 1/3\n");
    tables.assertLiveStillBad();
  }
}
