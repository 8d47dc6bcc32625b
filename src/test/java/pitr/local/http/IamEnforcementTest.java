package pitr.local.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import pitr.TestHttp;
import pitr.local.LocalEngine;
import pitr.local.iam.IamPolicies;
import pitr.local.iam.PolicyDocument;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * A server started with IAM policies runs a request only when the policy of the key that signed it
 * allows every action on every resource the request needs, and answers the rest as DynamoDB does.
 */
class IamEnforcementTest {
  private static LocalEngine engine;
  private static LocalServer server;

  @BeforeAll
  static void start() {
    engine = LocalEngine.create();
    IamPolicies policies =
        IamPolicies.of(
            Map.of(
                "admin",
                List.of(
                    PolicyDocument.parse(
                        "{\"Statement\":{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\","
                            + "\"Resource\":\"*\"}}")),
                "reader",
                List.of(
                    PolicyDocument.parse(
                        "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":[\"dynamodb:GetItem\","
                            + "\"dynamodb:DescribeTable\"],\"Resource\":"
                            + "\"arn:aws:dynamodb:us-east-1:000000000000:table/orders\"}]}"))),
            "000000000000");
    server = LocalServer.start(engine, "127.0.0.1", 0, null, policies);
    try (DynamoDbAsyncClient admin = client("admin")) {
      admin
          .createTable(
              r ->
                  r.tableName("orders")
                      .billingMode("PAY_PER_REQUEST")
                      .attributeDefinitions(a -> a.attributeName("pk").attributeType("S"))
                      .keySchema(k -> k.attributeName("pk").keyType("HASH")))
          .join();
    }
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  private static DynamoDbAsyncClient client(String key) {
    return TestHttp.dynamo(server.endpoint())
        .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(key, "s")))
        .overrideConfiguration(o -> o.retryStrategy(AwsRetryStrategy.doNotRetry()))
        .build();
  }

  @Test
  void aRequestThePolicyAllows_isServed() {
    try (DynamoDbAsyncClient reader = client("reader")) {
      assertThat(
              reader.getItem(r -> r.tableName("orders").key(Map.of("pk", s("a")))).join().hasItem())
          .isFalse();
    }
  }

  @Test
  void aRequestThePolicyDoesNotAllow_isAccessDeniedAndChangesNothing() {
    Throwable thrown;
    try (DynamoDbAsyncClient reader = client("reader")) {
      thrown =
          catchThrowable(
              () -> reader.putItem(r -> r.tableName("orders").item(Map.of("pk", s("a")))).join());
    }

    assertThat(thrown.getCause()).isInstanceOf(DynamoDbException.class);
    DynamoDbException e = (DynamoDbException) thrown.getCause();
    assertThat(e.statusCode()).isEqualTo(400);
    assertThat(e.awsErrorDetails().errorCode()).isEqualTo("AccessDeniedException");
    assertThat(e.awsErrorDetails().errorMessage())
        .isEqualTo(
            "User: arn:aws:iam::000000000000:user/reader is not authorized to perform:"
                + " dynamodb:PutItem on resource:"
                + " arn:aws:dynamodb:us-east-1:000000000000:table/orders because no"
                + " identity-based policy allows the dynamodb:PutItem action");
    try (DynamoDbAsyncClient admin = client("admin")) {
      assertThat(admin.scan(r -> r.tableName("orders")).join().count()).isZero();
    }
  }

  @Test
  void anAccountWideListing_needsResourceStar() {
    try (DynamoDbAsyncClient reader = client("reader")) {
      Throwable thrown = catchThrowable(() -> reader.listTables().join());
      assertThat(((DynamoDbException) thrown.getCause()).awsErrorDetails().errorMessage())
          .contains("dynamodb:ListTables on resource: * because");
    }
  }

  @Test
  void anUnsignedRequest_isDeniedWithTheCoralServiceType() throws Exception {
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(server.endpoint() + "/"))
                    .header("X-Amz-Target", "DynamoDB_20120810.ListTables")
                    .header("Content-Type", "application/x-amz-json-1.0")
                    .POST(HttpRequest.BodyPublishers.ofString("{}"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body())
        .startsWith("{\"__type\":\"com.amazon.coral.service#AccessDeniedException\"")
        .contains("user/anonymous is not authorized to perform: dynamodb:ListTables");
  }

  private static AttributeValue s(String v) {
    return AttributeValue.fromS(v);
  }
}
