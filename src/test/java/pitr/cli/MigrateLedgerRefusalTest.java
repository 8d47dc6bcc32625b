package pitr.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemRequest;

/**
 * {@code pitr migrate prod|dev} when the ledger or journal table cannot be created or written:
 * refused with exit code 3, a message naming the table and the fix, and nothing written to the
 * migration's tables.
 */
class MigrateLedgerRefusalTest {
  @TempDir Path dir;

  private final RollbackTestEngine local = new RollbackTestEngine();
  private final String endpoint = local.endpoint;
  private final DynamoDbAsyncClient client = local.client;

  @AfterEach
  void stop() {
    local.close();
  }

  private Path migrations() throws Exception {
    return RollbackTestEngine.carsMigration(dir);
  }

  /** Loads the cars fixture and turns PITR on for prod; returns the cars. */
  private Map<String, Map<String, AttributeValue>> seedCars(Path m) {
    local.seedCarsWithPitr(m);
    return local.cars();
  }

  private boolean tableExists(String name) {
    return client.listTables().join().tableNames().contains(name);
  }

  private void createTableKeyedBy(String table, String key) {
    client
        .createTable(
            r ->
                r.tableName(table)
                    .billingMode("PAY_PER_REQUEST")
                    .attributeDefinitions(a -> a.attributeName(key).attributeType("S"))
                    .keySchema(k -> k.attributeName(key).keyType("HASH")))
        .join();
  }

  /** The real client, except that requests {@code denied} matches fail as IAM would fail them. */
  private static DynamoDbAsyncClient denying(
      DynamoDbAsyncClient real, String action, String table, Predicate<Object> denied) {
    InvocationHandler h =
        (proxy, method, args) -> {
          if (args != null && args.length == 1 && denied.test(args[0])) {
            return CompletableFuture.failedFuture(
                DynamoDbException.builder()
                    .statusCode(400)
                    .awsErrorDetails(
                        AwsErrorDetails.builder()
                            .errorCode("AccessDeniedException")
                            .errorMessage(
                                "User: arn:aws:iam::1:user/ann is not authorized to perform:"
                                    + " dynamodb:"
                                    + action
                                    + " on resource: "
                                    + table)
                            .build())
                    .build());
          }
          try {
            return method.invoke(real, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
        };
    return (DynamoDbAsyncClient)
        Proxy.newProxyInstance(
            MigrateLedgerRefusalTest.class.getClassLoader(),
            new Class<?>[] {DynamoDbAsyncClient.class},
            h);
  }

  private CliRun prod(Path m, CliRun run) {
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
    assertThat(code).as(run.err()).isEqualTo(3);
    return run;
  }

  @Test
  void prod_whenTheLedgerTableIsNotALedger_refusesWithExitThree_andWritesNothing()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = seedCars(m);
    createTableKeyedBy("pitr-ledger", "id");

    CliRun run = prod(m, new CliRun());

    assertThat(run.err())
        .isEqualTo(
            "error: Table pitr-ledger exists but is not a pitr ledger table: its key is id (S,"
                + " HASH), a ledger needs pk (S, HASH) and sk (S, RANGE). Pass --ledger-table NAME"
                + " to use another table (pitr creates it). Nothing was written\n");
    assertThat(local.cars()).isEqualTo(before);
    assertThat(tableExists("pitr-journal")).isFalse();
    assertThat(client.scan(r -> r.tableName("pitr-ledger")).join().items()).isEmpty();
  }

  @Test
  void prod_whenTheLedgerTableCannotBeCreated_refusesWithExitThree_andWritesNothing()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = seedCars(m);
    CliRun run = new CliRun();
    run.migrate().clients =
        c ->
            denying(
                c,
                "CreateTable",
                "pitr-ledger",
                r -> r instanceof CreateTableRequest t && t.tableName().equals("pitr-ledger"));

    prod(m, run);

    assertThat(run.err())
        .isEqualTo(
            "error: Access denied: dynamodb:CreateTable on the ledger table pitr-ledger (User:"
                + " arn:aws:iam::1:user/ann is not authorized to perform: dynamodb:CreateTable on"
                + " resource: pitr-ledger); grant dynamodb:CreateTable on that table to the"
                + " identity pitr runs as, or pass --ledger-table NAME for a table it may use."
                + " Nothing was written\n");
    assertThat(local.cars()).isEqualTo(before);
    assertThat(tableExists("pitr-ledger")).isFalse();
  }

  @Test
  void prod_whenTheJournalCannotBeWritten_refusesWithExitThree_beforeAnyDataWrite()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = seedCars(m);
    CliRun run = new CliRun();
    run.migrate().clients =
        c ->
            denying(
                c,
                "UpdateItem",
                "pitr-journal",
                r ->
                    (r instanceof UpdateItemRequest u && u.tableName().equals("pitr-journal"))
                        || (r instanceof BatchWriteItemRequest b
                            && b.requestItems().containsKey("pitr-journal")));

    prod(m, run);

    assertThat(run.err())
        .isEqualTo(
            "error: Access denied: dynamodb:UpdateItem on the journal table pitr-journal (User:"
                + " arn:aws:iam::1:user/ann is not authorized to perform: dynamodb:UpdateItem on"
                + " resource: pitr-journal); grant dynamodb:UpdateItem on that table to the"
                + " identity pitr runs as, or pass --journal-table NAME for a table it may use."
                + " Nothing was written\n");
    assertThat(local.cars()).isEqualTo(before);
    // No run was recorded and the lock was given back.
    assertThat(
            client.scan(r -> r.tableName("pitr-ledger")).join().items().stream()
                .filter(i -> !i.get("pk").s().equals("lock") || i.containsKey("holder")))
        .isEmpty();
  }

  @Test
  void dev_whenTheJournalTableIsNotAJournal_refusesWithExitThree_andWritesNothing()
      throws Exception {
    Path m = migrations();
    Map<String, Map<String, AttributeValue>> before = seedCars(m);
    createTableKeyedBy("pitr-journal", "pk");
    CliRun run = new CliRun();

    int code =
        run.execute(
            "migrate", "dev", "0001", "--migrations-dir", m.toString(), "--endpoint-url", endpoint);

    assertThat(code).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .isEqualTo(
            "error: Table pitr-journal exists but is not a pitr journal table: its key is pk (S,"
                + " HASH), a journal needs pk (S, HASH) and sk (S, RANGE). Pass --journal-table"
                + " NAME to use another table (pitr creates it). Nothing was written\n");
    assertThat(local.cars()).isEqualTo(before);
  }
}
