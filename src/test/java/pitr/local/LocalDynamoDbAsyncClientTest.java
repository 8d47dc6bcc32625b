package pitr.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.core.SdkRequest;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ReturnValuesOnConditionCheckFailure;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

class LocalDynamoDbAsyncClientTest {
  private LocalEngine engine;
  private DynamoDbAsyncClient client;

  @BeforeEach
  void open() {
    engine = LocalEngine.create();
    client = LocalDynamoDbAsyncClient.create(engine);
  }

  @AfterEach
  void close() {
    client.close();
    engine.close();
  }

  static void createTable(DynamoDbAsyncClient client, String name) {
    client
        .createTable(
            r ->
                r.tableName(name)
                    .billingMode(BillingMode.PAY_PER_REQUEST)
                    .attributeDefinitions(
                        AttributeDefinition.builder()
                            .attributeName("pk")
                            .attributeType(ScalarAttributeType.S)
                            .build(),
                        AttributeDefinition.builder()
                            .attributeName("sk")
                            .attributeType(ScalarAttributeType.N)
                            .build())
                    .keySchema(
                        KeySchemaElement.builder()
                            .attributeName("pk")
                            .keyType(KeyType.HASH)
                            .build(),
                        KeySchemaElement.builder()
                            .attributeName("sk")
                            .keyType(KeyType.RANGE)
                            .build()))
        .join();
  }

  static Map<String, AttributeValue> item(String pk, int sk) {
    return Map.of(
        "pk", AttributeValue.fromS(pk),
        "sk", AttributeValue.fromN(Integer.toString(sk)),
        "payload", AttributeValue.fromS("v" + sk));
  }

  @Test
  void client_overridesEveryOperationTheEngineServes() throws NoSuchMethodException {
    List<String> missing = new ArrayList<>();
    for (Method method : LocalEngine.class.getMethods()) {
      if (method.getParameterCount() == 1
          && SdkRequest.class.isAssignableFrom(method.getParameterTypes()[0])) {
        Method override =
            LocalDynamoDbAsyncClient.class.getMethod(method.getName(), method.getParameterTypes());
        if (override.getDeclaringClass() != LocalDynamoDbAsyncClient.class) {
          missing.add(method.getName());
        }
      }
    }

    assertThat(missing)
        .as("LocalEngine operations LocalDynamoDbAsyncClient must override to call the engine")
        .isEmpty();
  }

  @Test
  void putThenGet_returnsTheItem() {
    createTable(client, "orders");

    client.putItem(r -> r.tableName("orders").item(item("a", 1))).join();
    CompletableFuture<Map<String, AttributeValue>> got =
        client
            .getItem(
                r ->
                    r.tableName("orders")
                        .key(
                            Map.of(
                                "pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("1"))))
            .thenApply(response -> response.item());

    assertThat(got.join()).isEqualTo(item("a", 1));
    assertThat(client.describeTable(r -> r.tableName("orders")).join().table().tableStatus())
        .isEqualTo(TableStatus.ACTIVE);
  }

  @Test
  void engineError_completesFutureExceptionally_withTheSdkExceptionClass() {
    CompletableFuture<?> missing = client.describeTable(r -> r.tableName("nope"));

    assertThatThrownBy(missing::join)
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageStartingWith("Requested resource not found");
  }

  @Test
  void conditionFailure_carriesTheOldItem_whenAsked() {
    createTable(client, "orders");
    client.putItem(r -> r.tableName("orders").item(item("a", 1))).join();

    CompletableFuture<?> put =
        client.putItem(
            r ->
                r.tableName("orders")
                    .item(item("a", 1))
                    .conditionExpression("attribute_not_exists(pk)")
                    .returnValuesOnConditionCheckFailure(
                        ReturnValuesOnConditionCheckFailure.ALL_OLD));

    assertThatThrownBy(put::join)
        .cause()
        .isInstanceOf(ConditionalCheckFailedException.class)
        .extracting(e -> ((ConditionalCheckFailedException) e).item())
        .isEqualTo(item("a", 1));
  }

  @Test
  void scanAndQueryPaginators_fetchEveryPage() {
    createTable(client, "orders");
    for (int i = 0; i < 7; i++) {
      int sk = i;
      client.putItem(r -> r.tableName("orders").item(item("a", sk))).join();
    }

    List<Map<String, AttributeValue>> scanned =
        Flux.from(client.scanPaginator(r -> r.tableName("orders").limit(2)).items())
            .collectList()
            .block();
    long queryPages =
        Flux.from(
                client.queryPaginator(
                    r ->
                        r.tableName("orders")
                            .keyConditionExpression("pk = :pk")
                            .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("a")))
                            .limit(3)))
            .count()
            .block();

    assertThat(scanned).hasSize(7);
    assertThat(queryPages).isGreaterThanOrEqualTo(3);
  }

  @Test
  void scanAndQueryPages_handOutImagesTheSdkDoesNotCopy_andReadOnly() {
    // Scan and Query skip the SDK builder's deep copy of every item (PageItems); if an SDK upgrade
    // renames the builder field this relies on, the engine falls back to copying and this fails.
    assertThat(PageItems.direct()).isTrue();
    createTable(client, "orders");
    for (int i = 0; i < 3; i++) {
      int sk = i;
      client.putItem(r -> r.tableName("orders").item(item("a", sk))).join();
    }

    var first = client.scan(r -> r.tableName("orders")).join();
    var again = client.scan(r -> r.tableName("orders")).join();
    var query =
        client
            .query(
                r ->
                    r.tableName("orders")
                        .keyConditionExpression("pk = :pk")
                        .expressionAttributeValues(Map.of(":pk", AttributeValue.fromS("a"))))
            .join();
    var projected =
        client.scan(r -> r.tableName("orders").projectionExpression("pk, payload")).join();

    assertThat(first.items()).containsExactly(item("a", 0), item("a", 1), item("a", 2));
    assertThat(query.items()).isEqualTo(first.items());
    assertThat(projected.items().get(0)).containsOnlyKeys("pk", "payload");
    // Each read decodes the stored bytes afresh: equal images, never one a caller could change...
    assertThat(again.items().get(0))
        .isEqualTo(first.items().get(0))
        .isNotSameAs(first.items().get(0));
    assertThat(query.items().get(1)).isEqualTo(first.items().get(1));
    // ...whole pages and projections alike.
    for (var items : List.of(first.items(), query.items(), projected.items())) {
      assertThatThrownBy(() -> items.remove(0)).isInstanceOf(UnsupportedOperationException.class);
      assertThatThrownBy(() -> items.get(0).put("pk", AttributeValue.fromS("b")))
          .isInstanceOf(UnsupportedOperationException.class);
    }
    // A later write replaces the image; the page already handed out keeps the old one.
    client
        .putItem(
            r ->
                r.tableName("orders")
                    .item(Map.of("pk", AttributeValue.fromS("a"), "sk", AttributeValue.fromN("0"))))
        .join();
    assertThat(first.items().get(0)).isEqualTo(item("a", 0));
    assertThat(client.scan(r -> r.tableName("orders")).join().items().get(0))
        .doesNotContainKey("payload");
  }

  @Test
  void operationTheEngineLacks_keepsTheInterfaceDefault() {
    assertThatThrownBy(() -> client.executeStatement(r -> r.statement("SELECT * FROM orders")))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void clientMetadata_namesDynamoDbAndTheEngineRegion() {
    assertThat(client.serviceName()).isEqualTo("dynamodb");
    assertThat(client.serviceClientConfiguration().region()).isEqualTo(Region.US_EAST_1);
  }

  @Test
  void call_afterClose_failsWithAClearMessage() {
    client.close();

    assertThatThrownBy(() -> client.listTables(r -> r.limit(1)).join())
        .cause()
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("LocalDynamoDbAsyncClient is closed; create a new client");
  }

  @Test
  void owningClient_closesTheEngine_andPlainClientDoesNot() {
    LocalEngine owned = LocalEngine.create();
    DynamoDbAsyncClient owning = LocalDynamoDbAsyncClient.owning(owned);

    owning.close();

    assertThat(((LocalDynamoDbAsyncClient) client).engine()).isSameAs(engine);
  }
}
