package pitr.local.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import pitr.local.LocalEngine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.async.SdkAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * A server started with an access key answers only requests signed with it, through the real SDK
 * client (and boto3, whose signer is another implementation), with DynamoDB's errors otherwise.
 */
class SignedRequestsTest {
  private static final AccessKey KEY =
      new AccessKey("AKIDPITRLOCAL0001", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY");

  private static LocalEngine engine;
  private static LocalServer server;
  private static SdkAsyncHttpClient http;

  @BeforeAll
  static void start() {
    engine = LocalEngine.create();
    server = LocalServer.start(engine, "127.0.0.1", 0, KEY);
    http = TestHttp.netty().build();
  }

  @AfterAll
  static void stop() {
    http.close();
    server.close();
    engine.close();
  }

  private static DynamoDbAsyncClient client(AwsCredentials credentials) {
    return DynamoDbAsyncClient.builder()
        .endpointOverride(server.endpoint())
        .region(Region.EU_WEST_1)
        .credentialsProvider(StaticCredentialsProvider.create(credentials))
        .httpClient(http)
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  private static DynamoDbException failure(AwsCredentials credentials) {
    try (DynamoDbAsyncClient client = client(credentials)) {
      Throwable thrown =
          org.assertj.core.api.Assertions.catchThrowable(
              () -> client.listTables().get(30, TimeUnit.SECONDS));
      assertThat(thrown).hasCauseInstanceOf(DynamoDbException.class);
      return (DynamoDbException) thrown.getCause();
    }
  }

  @Test
  void requestSignedWithTheKey_isServed() throws Exception {
    try (DynamoDbAsyncClient client = client(AwsBasicCredentials.create(KEY.id(), KEY.secret()))) {
      client
          .createTable(
              r ->
                  r.tableName("signed")
                      .billingMode("PAY_PER_REQUEST")
                      .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                      .keySchema(k -> k.attributeName("pk").keyType("HASH")))
          .get(30, TimeUnit.SECONDS);

      assertThat(client.listTables().get(30, TimeUnit.SECONDS).tableNames()).contains("signed");
    }
  }

  @Test
  void requestSignedWithSessionCredentialsOfTheKey_isServed() throws Exception {
    try (DynamoDbAsyncClient client =
        client(AwsSessionCredentials.create(KEY.id(), KEY.secret(), "session-token"))) {
      assertThat(client.listTables().get(30, TimeUnit.SECONDS).tableNames()).isNotNull();
    }
  }

  @Test
  void wrongSecret_isInvalidSignatureException() {
    DynamoDbException e = failure(AwsBasicCredentials.create(KEY.id(), "not-the-secret"));

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("InvalidSignatureException");
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo(
            "The request signature we calculated does not match the signature you provided. Check"
                + " your AWS Secret Access Key and signing method. Consult the service"
                + " documentation for details.");
  }

  @Test
  void unknownAccessKey_isUnrecognizedClientException() {
    DynamoDbException e = failure(AwsBasicCredentials.create("AKIDSOMEONEELSE", KEY.secret()));

    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("UnrecognizedClientException");
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo("The security token included in the request is invalid.");
  }

  @Test
  void unsignedRequest_isUnrecognizedClientException_inTheCoralNamespace() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(server.endpoint().resolve("/"))
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .isEqualTo(
            "{\"__type\":\"com.amazon.coral.service#UnrecognizedClientException\","
                + "\"message\":\"The security token included in the request is invalid.\"}");
  }

  @Test
  void signedRequestReplayedWithAnotherBody_isInvalidSignatureException() throws Exception {
    Map<String, List<String>> signedHeaders = new HashMap<>();
    try (DynamoDbAsyncClient spying =
        DynamoDbAsyncClient.builder()
            .endpointOverride(server.endpoint())
            .region(Region.US_EAST_1)
            .httpClient(http)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(KEY.id(), KEY.secret())))
            .overrideConfiguration(
                o ->
                    o.addExecutionInterceptor(
                        new ExecutionInterceptor() {
                          @Override
                          public void beforeTransmission(
                              Context.BeforeTransmission context, ExecutionAttributes attributes) {
                            signedHeaders.putAll(context.httpRequest().headers());
                          }
                        }))
            .build()) {
      spying.listTables(r -> r.limit(5)).get(30, TimeUnit.SECONDS);
    }

    assertThat(replay(signedHeaders, "{\"Limit\":5}").statusCode()).isEqualTo(200);
    HttpResponse<String> tampered = replay(signedHeaders, "{\"Limit\":6}");
    assertThat(tampered.statusCode()).isEqualTo(400);
    assertThat(tampered.body())
        .startsWith("{\"__type\":\"com.amazon.coral.service#InvalidSignatureException\"");
  }

  /** Sends {@code body} with the headers of another, signed request (as far as Java allows). */
  private static HttpResponse<String> replay(Map<String, List<String>> headers, String body)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(server.endpoint().resolve("/"))
            .version(HttpClient.Version.HTTP_1_1)
            .POST(HttpRequest.BodyPublishers.ofString(body));
    headers.forEach(
        (name, values) -> {
          if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")) {
            values.forEach(v -> request.header(name, v));
          }
        });
    return HttpClient.newHttpClient()
        .send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  @Test
  void boto3_signedWithTheKey_isServed_andWithAnotherSecretIsRefused() throws Exception {
    assumeThat(LocalServerTest.pythonWithBoto3()).as("python3 with boto3 on PATH").isTrue();
    String script =
        "import boto3,sys,botocore\n"
            + "def client(secret):\n"
            + "  return boto3.client('dynamodb',endpoint_url=sys.argv[1],region_name='us-east-1',"
            + "aws_access_key_id=sys.argv[2],aws_secret_access_key=secret,"
            + "config=botocore.config.Config(retries={'max_attempts':1}))\n"
            + "client(sys.argv[3]).list_tables()\n"
            + "try:\n"
            + "  client('wrong').list_tables()\n"
            + "except botocore.exceptions.ClientError as e:\n"
            + "  print(e.response['Error']['Code'])\n";
    Process process =
        new ProcessBuilder(
                "python3", "-c", script, server.endpoint().toString(), KEY.id(), KEY.secret())
            .redirectErrorStream(true)
            .start();
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(out).isZero();
    assertThat(out.trim()).isEqualTo("InvalidSignatureException");
  }

  @Test
  void accessKey_neverShowsItsSecret() {
    assertThat(KEY.toString()).isEqualTo("AccessKey[id=AKIDPITRLOCAL0001, secret=****]");
    assertThatThrownBy(() -> new AccessKey("id", " "))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("an access key needs both an id and a secret");
  }
}
