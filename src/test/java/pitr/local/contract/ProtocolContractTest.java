package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The JSON 1.0 wire protocol below the SDK. */
class ProtocolContractTest {

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
  }
}
