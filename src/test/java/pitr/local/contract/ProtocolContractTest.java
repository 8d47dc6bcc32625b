package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.zip.CRC32;

/** The JSON 1.0 wire protocol below the SDK. */
class ProtocolContractTest {

  private static HttpRequest.Builder request(Backend backend, String operation) {
    return HttpRequest.newBuilder(backend.endpoint())
        .timeout(Duration.ofSeconds(30))
        .header("Content-Type", "application/x-amz-json-1.0")
        .header("X-Amz-Target", "DynamoDB_20120810." + operation)
        .header(
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request,"
                + " SignedHeaders=host;x-amz-target, Signature=0");
  }

  private static HttpResponse<String> send(HttpRequest request) throws Exception {
    return HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());
  }

  private static HttpResponse<String> post(Backend backend, String operation, String body)
      throws Exception {
    return send(
        request(backend, operation).POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  @BackendTest
  @ReferenceOnly("moto's error types and request IDs differ from DynamoDB's")
  void errors_carryDynamoDbsTypeNamespaceAndMessageField(Backend backend) throws Exception {
    JsonNode validation =
        new ObjectMapper().readTree(post(backend, "ListTables", "{\"Limit\":0}").body());
    JsonNode notFound =
        new ObjectMapper()
            .readTree(post(backend, "DescribeTable", "{\"TableName\":\"no-such-table\"}").body());
    JsonNode serialization =
        new ObjectMapper().readTree(post(backend, "DescribeTable", "{\"TableName\":true}").body());

    assertThat(validation.path("__type").asText())
        .isEqualTo("com.amazon.coral.validate#ValidationException");
    assertThat(validation.path("message").asText())
        .isEqualTo(
            "1 validation error detected: Value '0' at 'limit' failed to satisfy constraint:"
                + " Member must have value greater than or equal to 1");
    assertThat(notFound.path("__type").asText())
        .isEqualTo("com.amazonaws.dynamodb.v20120810#ResourceNotFoundException");
    assertThat(notFound.path("message").asText()).startsWith("Requested resource not found");
    assertThat(serialization.path("__type").asText())
        .isEqualTo("com.amazon.coral.service#SerializationException");
    assertThat(serialization.path("Message").asText())
        .isEqualTo("TRUE_VALUE cannot be converted to String");
  }

  @BackendTest
  @ReferenceOnly("moto's request IDs are not DynamoDB's 52 characters")
  void everyAnswer_carriesA52CharacterRequestIdAndTheBodysCrc32(Backend backend) throws Exception {
    for (HttpResponse<String> response :
        new HttpResponse[] {
          post(backend, "ListTables", "{}"), post(backend, "DescribeTable", "{}")
        }) {
      CRC32 crc = new CRC32();
      crc.update(response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8));

      assertThat(response.headers().firstValue("x-amzn-RequestId"))
          .hasValueSatisfying(id -> assertThat(id).matches("[A-Z0-9]{52}"));
      assertThat(response.headers().firstValue("x-amz-crc32"))
          .hasValue(Long.toString(crc.getValue()));
    }
  }

  @BackendTest
  @ReferenceOnly("moto accepts bodies over 16 MB")
  void request_over16Mb_isAnswered413(Backend backend) throws Exception {
    byte[] body = new byte[16 * 1024 * 1024 + 1];
    java.util.Arrays.fill(body, (byte) ' ');

    HttpResponse<String> response =
        send(
            request(backend, "ListTables")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                .build());

    assertThat(response.statusCode()).isEqualTo(413);
  }

  @BackendTest
  @ReferenceOnly("moto_server sends no CORS headers")
  void browserClients_getCorsPreflightAndHeaders(Backend backend) throws Exception {
    HttpResponse<String> preflight =
        send(
            HttpRequest.newBuilder(backend.endpoint())
                .timeout(Duration.ofSeconds(10))
                .header("Origin", "http://localhost:3000")
                .header("Access-Control-Request-Method", "POST")
                .header("Access-Control-Request-Headers", "content-type,x-amz-target,authorization")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody())
                .build());
    HttpResponse<String> answer =
        send(
            request(backend, "ListTables")
                .header("Origin", "http://localhost:3000")
                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                .build());

    assertThat(preflight.statusCode()).isEqualTo(200);
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Headers"))
        .hasValue("content-type,x-amz-target,authorization");
    assertThat(preflight.headers().firstValue("Access-Control-Allow-Methods"))
        .hasValueSatisfying(m -> assertThat(m).contains("POST"));
    assertThat(answer.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(answer.headers().firstValue("Access-Control-Expose-Headers"))
        .hasValueSatisfying(h -> assertThat(h).contains("x-amzn-RequestId"));
  }

  @BackendTest
  @ReferenceOnly("moto_server answers GET / with its own page")
  void get_isAnsweredWithTheHealthText(Backend backend) throws Exception {
    HttpResponse<String> response =
        send(
            HttpRequest.newBuilder(backend.endpoint())
                .timeout(Duration.ofSeconds(10))
                .GET()
                .build());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).matches("healthy: dynamodb\\.[a-z0-9-]+\\.amazonaws\\.com ");
  }

  @BackendTest
  @ReferenceOnly("moto answers an unknown X-Amz-Target with an HTML 500 Internal Server Error")
  void unknownOperation_isRejectedWithUnknownOperationException(Backend backend) throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(backend.endpoint())
            .timeout(Duration.ofSeconds(10))
            .header("Content-Type", "application/x-amz-json-1.0")
            .header("X-Amz-Target", "DynamoDB_20120810.NoSuchOp")
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request,"
                    + " SignedHeaders=host;x-amz-target, Signature=0")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();

    HttpResponse<String> response =
        HttpClient.newHttpClient().send(request, HttpResponse.BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode body = new ObjectMapper().readTree(response.body());
    assertThat(body.path("__type").asText()).endsWith("UnknownOperationException");
    if (backend.isReference()) {
      assertThat(body.path("__type").asText())
          .isEqualTo("com.amazon.coral.service#UnknownOperationException");
    }
  }
}
