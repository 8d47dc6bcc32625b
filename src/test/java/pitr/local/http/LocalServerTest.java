package pitr.local.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import pitr.local.Errors;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.CancellationReason;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TransactionCanceledException;

class LocalServerTest {
  private static final StubEngine stub = new StubEngine();
  private static LocalServer server;
  private static DynamoDbAsyncClient client;

  @BeforeAll
  static void start() {
    server = LocalServer.start(StubOperations.of(stub), "127.0.0.1", 0);
    client = sdkClient(server);
  }

  static DynamoDbAsyncClient sdkClient(LocalServer server) {
    return TestHttp.dynamo(server.endpoint())
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @AfterAll
  static void stop() {
    client.close();
    server.close();
  }

  @AfterEach
  void clearFailure() {
    stub.failure = null;
  }

  private static Throwable failureOf(java.util.concurrent.CompletableFuture<?> future) {
    assertThatThrownBy(future::join).isInstanceOf(CompletionException.class);
    return future.handle((r, e) -> e.getCause()).join();
  }

  @Test
  void endpoint_isLoopbackWithThePickedPort() {
    assertThat(server.endpoint().toString()).startsWith("http://127.0.0.1:");
    assertThat(server.port()).isPositive();
  }

  @Test
  void sdkCall_isDispatchedToTheOperation_andDecodedBack() {
    Map<String, AttributeValue> item = WireCodecTest.everyAttributeType();

    PutItemResponse put = client.putItem(r -> r.tableName("orders").item(item)).join();
    List<String> tables =
        client.listTables(r -> r.exclusiveStartTableName("a")).join().tableNames();
    TableDescription table = client.describeTable(r -> r.tableName("orders")).join().table();

    assertThat(put.attributes()).isEqualTo(item);
    assertThat(tables).containsExactly("alpha", "beta");
    assertThat(table.creationDateTime()).isEqualTo(StubEngine.CREATED);
    assertThat(table.itemCount()).isEqualTo(3L);
  }

  @Test
  void sdkCall_whenServerLacksTheOperation_failsWithUnknownOperationException() {
    Throwable failure = failureOf(client.getItem(r -> r.tableName("orders")));

    assertThat(failure).isInstanceOf(DynamoDbException.class);
    DynamoDbException e = (DynamoDbException) failure;
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnknownOperationException");
  }

  @Test
  void sdkCall_whenEngineThrowsValidation_seesValidationExceptionWithItsMessage() {
    stub.failure = Errors.validation("One or more parameter values were invalid: bad key");

    Throwable failure = failureOf(client.listTables(r -> r.limit(5)));

    assertThat(failure).isInstanceOf(DynamoDbException.class);
    DynamoDbException e = (DynamoDbException) failure;
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("One or more parameter values were invalid: bad key");
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.requestId()).isNotBlank();
  }

  @Test
  void sdkCall_whenTableMissing_seesResourceNotFoundException() {
    Throwable failure = failureOf(client.describeTable(r -> r.tableName("missing")));

    assertThat(failure)
        .isInstanceOf(ResourceNotFoundException.class)
        .hasMessageStartingWith("Requested resource not found: Table: missing not found");
  }

  @Test
  void sdkCall_whenTransactionCanceled_seesCancellationReasons() {
    Map<String, AttributeValue> item = Map.of("pk", AttributeValue.fromS("a"));
    stub.failure =
        Errors.build(
            TransactionCanceledException.builder()
                .cancellationReasons(
                    CancellationReason.builder().code("None").build(),
                    CancellationReason.builder()
                        .code("ConditionalCheckFailed")
                        .message("The conditional request failed")
                        .item(item)
                        .build()),
            "TransactionCanceledException",
            "Transaction cancelled, please refer cancellation reasons for specific reasons"
                + " [None, ConditionalCheckFailed]",
            400);

    Throwable failure = failureOf(client.putItem(r -> r.tableName("orders").item(item)));

    assertThat(failure).isInstanceOf(TransactionCanceledException.class);
    TransactionCanceledException e = (TransactionCanceledException) failure;
    assertThat(e.cancellationReasons())
        .extracting(CancellationReason::code)
        .containsExactly("None", "ConditionalCheckFailed");
    assertThat(e.cancellationReasons().get(1).item()).isEqualTo(item);
    assertThat(e.awsErrorDetails().errorMessage()).startsWith("Transaction cancelled");
  }

  @Test
  void sdkCall_whenConditionFailsWithOldItem_seesTheItem() {
    Map<String, AttributeValue> old = Map.of("pk", AttributeValue.fromS("a"));
    stub.failure =
        Errors.build(
            ConditionalCheckFailedException.builder().item(old),
            "ConditionalCheckFailedException",
            "The conditional request failed",
            400);

    Throwable failure = failureOf(client.putItem(r -> r.tableName("orders").item(old)));

    assertThat(failure).isInstanceOf(ConditionalCheckFailedException.class);
    assertThat(((ConditionalCheckFailedException) failure).item()).isEqualTo(old);
  }

  @Test
  void sdkCall_whenEngineFailsUnexpectedly_seesInternalServerError() {
    stub.failure = new IllegalStateException("boom");

    Throwable failure = failureOf(client.listTables(r -> r.limit(1)));

    assertThat(failure).isInstanceOf(DynamoDbException.class);
    DynamoDbException e = (DynamoDbException) failure;
    assertThat(e.statusCode()).isEqualTo(500);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InternalServerError");
  }

  @Test
  void rawPost_withoutTarget_isUnknownOperation_withChecksumAndRequestId() throws Exception {
    HttpResponse<byte[]> response = post(null, "{}");

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(new String(response.body(), UTF_8))
        .isEqualTo("{\"__type\":\"com.amazon.coral.service#UnknownOperationException\"}");
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("application/x-amz-json-1.0");
    CRC32 crc = new CRC32();
    crc.update(response.body());
    assertThat(response.headers().firstValue("x-amz-crc32"))
        .hasValue(Long.toString(crc.getValue()));
    assertThat(response.headers().firstValue("x-amzn-RequestId")).isPresent();
  }

  @Test
  void rawPost_withMalformedJson_isSerializationException() throws Exception {
    HttpResponse<byte[]> response = post("DynamoDB_20120810.ListTables", "{\"Limit\":");

    assertThat(response.statusCode()).isEqualTo(400);
    // DynamoDB names no field and gives no message for JSON it cannot parse.
    assertThat(new String(response.body(), UTF_8))
        .isEqualTo("{\"__type\":\"com.amazon.coral.service#SerializationException\"}");
  }

  @Test
  void rawPost_withEmptyBody_isServedAsEmptyRequest() throws Exception {
    HttpResponse<byte[]> response = post("DynamoDB_20120810.ListTables", "");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(new String(response.body(), UTF_8))
        .isEqualTo("{\"TableNames\":[\"alpha\",\"beta\"]}");
  }

  @Test
  void start_whenPortTaken_failsNamingTheAddressAndTheFix() throws IOException {
    try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      int port = taken.getLocalPort();

      assertThatThrownBy(() -> LocalServer.start(StubOperations.of(stub), "127.0.0.1", port))
          .isInstanceOf(CannotListenException.class)
          .hasMessage(
              "Cannot listen on 127.0.0.1:"
                  + port
                  + ": the port is already in use; stop the process using it or choose another"
                  + " port (0 picks a free one)")
          .hasRootCauseInstanceOf(java.net.BindException.class);
    }
  }

  @Test
  void boto3_canListTables() throws Exception {
    assumeThat(pythonWithBoto3()).as("python3 with boto3 on PATH").isTrue();
    String script =
        "import boto3,json,sys\n"
            + "c=boto3.client('dynamodb',endpoint_url=sys.argv[1],region_name='us-east-1',"
            + "aws_access_key_id='test',aws_secret_access_key='test')\n"
            + "print(json.dumps(c.list_tables()['TableNames']))\n"
            + "try:\n"
            + "  c.get_item(TableName='t',Key={'pk':{'S':'a'}})\n"
            + "except c.exceptions.ClientError as e:\n"
            + "  print(e.response['Error']['Code'])\n";
    Process process =
        new ProcessBuilder("python3", "-c", script, server.endpoint().toString())
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), UTF_8);

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out).isEqualTo("[\"alpha\", \"beta\"]\nUnknownOperationException\n");
  }

  static boolean pythonWithBoto3() {
    try {
      Process p = new ProcessBuilder("python3", "-c", "import boto3").start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static HttpResponse<byte[]> post(String target, String body) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.endpoint().resolve("/"))
            .header("Content-Type", "application/x-amz-json-1.0")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (target != null) {
      request.header("X-Amz-Target", target);
    }
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }
}
