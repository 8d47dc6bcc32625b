package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * JSON of the wrong shape: a SerializationException ({@code com.amazon.coral.service}, message in
 * {@code Message}) with DynamoDB's text for the member's type in the service model, before any
 * validation (the bodies below lack every required member, yet no ValidationException comes back).
 *
 * <p>Generated for every top-level member of every operation the engine serves; engine only, since
 * moto answers wrong JSON types with its own messages.
 */
class SerializationContractTest {
  private static ModelCases.Served served;

  @BeforeAll
  static void start() {
    served = ModelCases.Served.start();
  }

  @AfterAll
  static void stop() {
    served.close();
  }

  @TestFactory
  Stream<DynamicTest> everyMember_withWrongJsonType_isSerializationExceptionWithDynamoDbsText() {
    List<ModelCases.Case> cases = ModelCases.wrongTypes();
    assertThat(cases).hasSizeGreaterThan(200);
    return ModelCases.posted(served, cases, "Message");
  }
}
