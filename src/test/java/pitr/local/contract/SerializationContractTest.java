package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpClient;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;

/**
 * JSON of the wrong shape: a SerializationException ({@code com.amazon.coral.service}, message in
 * {@code Message}) with DynamoDB's text for the member's type in the service model, before any
 * validation (the bodies below lack every required member, yet no ValidationException comes back).
 *
 * <p>Generated for every top-level member of every operation the engine serves; engine only, since
 * moto answers wrong JSON types with its own messages.
 */
class SerializationContractTest {
  private static LocalEngine engine;
  private static LocalServer server;
  private static HttpClient http;

  @BeforeAll
  static void start() {
    engine = LocalEngine.create();
    server = LocalServer.start(engine, "127.0.0.1", 0);
    http = HttpClient.newHttpClient();
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  @TestFactory
  Stream<DynamicTest> everyMember_withWrongJsonType_isSerializationExceptionWithDynamoDbsText() {
    List<ModelCases.Case> cases = ModelCases.wrongTypes();
    assertThat(cases).hasSizeGreaterThan(200);
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      ModelCases.Answer answer =
                          ModelCases.post(http, server.endpoint(), c.operation(), c.body());

                      assertThat(answer.status()).isEqualTo(400);
                      assertThat(answer.body().path("__type").asText()).isEqualTo(c.type());
                      assertThat(answer.body().path("Message").asText()).isEqualTo(c.message());
                      assertThat(answer.body().has("message")).isFalse();
                    }));
  }
}
