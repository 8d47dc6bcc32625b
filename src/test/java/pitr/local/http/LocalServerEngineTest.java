package pitr.local.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.local.LocalEngine;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** The real engine behind the HTTP server, driven by the real SDK client and by boto3. */
class LocalServerEngineTest {
  private static LocalEngine engine;
  private static LocalServer server;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void start() {
    engine = LocalEngine.create();
    server = LocalServer.start(engine, "127.0.0.1", 0);
    client = LocalServerTest.sdkClient(server);
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
    engine.close();
  }

  private static void createTable(String name) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        AttributeDefinition.builder()
                            .attributeName("pk")
                            .attributeType(ScalarAttributeType.S)
                            .build())
                    .keySchema(
                        KeySchemaElement.builder()
                            .attributeName("pk")
                            .keyType(KeyType.HASH)
                            .build()))
        .join();
  }

  private static Map<String, AttributeValue> item(String pk) {
    return Map.of(
        "pk", AttributeValue.fromS(pk),
        "n", AttributeValue.fromN("42"),
        "tags", AttributeValue.fromSs(List.of("x", "y")),
        "doc",
            AttributeValue.fromM(
                Map.of("l", AttributeValue.fromL(List.of(AttributeValue.fromBool(true))))));
  }

  @Test
  void createTable_thenDescribeAndList_throughTheSdk() {
    createTable("tables-1");

    TableDescription table = client.describeTable(r -> r.tableName("tables-1")).join().table();
    List<String> names = client.listTables().join().tableNames();

    assertThat(table.tableStatus()).isEqualTo(TableStatus.ACTIVE);
    assertThat(table.creationDateTime()).isNotNull();
    assertThat(table.keySchema()).extracting(KeySchemaElement::attributeName).containsExactly("pk");
    assertThat(names).contains("tables-1");
  }

  @Test
  void createTable_twice_failsWithResourceInUse() {
    createTable("tables-2");

    assertThatThrownBy(() -> createTable("tables-2"))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ResourceInUseException.class);
  }

  @Test
  void batchWriteThenScanPaginator_roundTripsEveryItem() {
    createTable("items-1");
    List<WriteRequest> writes = new ArrayList<>();
    for (int i = 0; i < 25; i++) {
      Map<String, AttributeValue> item = item("k" + i);
      writes.add(WriteRequest.builder().putRequest(p -> p.item(item)).build());
    }

    var unprocessed =
        client
            .batchWriteItem(r -> r.requestItems(Map.of("items-1", writes)))
            .join()
            .unprocessedItems();
    List<Map<String, AttributeValue>> scanned =
        Flux.from(client.scanPaginator(r -> r.tableName("items-1").limit(7)).items())
            .collectList()
            .block();
    Map<String, AttributeValue> got =
        client
            .getItem(r -> r.tableName("items-1").key(Map.of("pk", AttributeValue.fromS("k3"))))
            .join()
            .item();

    assertThat(unprocessed).isEmpty();
    assertThat(scanned).hasSize(25);
    assertThat(got).isEqualTo(item("k3"));
  }

  @Test
  void transactWrite_whenConditionFails_carriesCancellationReasons() {
    createTable("items-2");
    client.putItem(r -> r.tableName("items-2").item(item("a"))).join();

    var future =
        client.transactWriteItems(
            r ->
                r.transactItems(
                    TransactWriteItem.builder()
                        .put(p -> p.tableName("items-2").item(item("b")))
                        .build(),
                    TransactWriteItem.builder()
                        .put(
                            p ->
                                p.tableName("items-2")
                                    .item(item("a"))
                                    .conditionExpression("attribute_not_exists(pk)"))
                        .build()));

    assertThatThrownBy(future::join)
        .cause()
        .isInstanceOf(TransactionCanceledException.class)
        .extracting(e -> ((TransactionCanceledException) e).cancellationReasons())
        .satisfies(
            reasons ->
                assertThat(reasons)
                    .extracting(CancellationReason::code)
                    .containsExactly("None", "ConditionalCheckFailed"));
  }

  @Test
  void boto3_putsAndGetsAnItem() throws Exception {
    assumeThat(LocalServerTest.pythonWithBoto3()).as("python3 with boto3 on PATH").isTrue();
    createTable("boto-1");
    String script =
        "import boto3,sys\n"
            + "c=boto3.client('dynamodb',endpoint_url=sys.argv[1],region_name='us-east-1',"
            + "aws_access_key_id='test',aws_secret_access_key='test')\n"
            + "c.put_item(TableName='boto-1',Item={'pk':{'S':'a'},'b':{'B':b'\\x00\\x01'},"
            + "'n':{'N':'1.5'}})\n"
            + "i=c.get_item(TableName='boto-1',Key={'pk':{'S':'a'}})['Item']\n"
            + "print(i['b']['B'], i['n']['N'])\n"
            + "print(type(c.describe_table(TableName='boto-1')['Table']['CreationDateTime']).__name__)\n";
    Process process =
        new ProcessBuilder("python3", "-c", script, server.endpoint().toString())
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), UTF_8);

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo("b'\\x00\\x01' 1.5\ndatetime\n");
  }
}
