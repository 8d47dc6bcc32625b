package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.assertj.core.api.AbstractStringAssert;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/** Short forms for attribute values, items, table specs and error assertions used by the suite. */
final class Ddb {
  private Ddb() {}

  /** Waits for an SDK call and rethrows its service exception unwrapped. */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get(90, TimeUnit.SECONDS);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof RuntimeException runtime) {
        throw runtime;
      }
      throw new IllegalStateException(cause);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new IllegalStateException("SDK call did not complete within 90 s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * Writes {@code items} with BatchWriteItem, 25 per call and a few calls at a time, resubmitting
   * unprocessed items until none are left.
   */
  static void putAll(
      DynamoDbAsyncClient client, String table, List<Map<String, AttributeValue>> items) {
    List<CompletableFuture<Void>> inFlight = new ArrayList<>();
    for (int from = 0; from < items.size(); from += 25) {
      List<WriteRequest> batch =
          items.subList(from, Math.min(items.size(), from + 25)).stream()
              .map(item -> WriteRequest.builder().putRequest(p -> p.item(item)).build())
              .toList();
      inFlight.add(writeBatch(client, Map.of(table, batch)));
      if (inFlight.size() == 4) {
        await(CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)));
        inFlight.clear();
      }
    }
    await(CompletableFuture.allOf(inFlight.toArray(CompletableFuture[]::new)));
  }

  private static CompletableFuture<Void> writeBatch(
      DynamoDbAsyncClient client, Map<String, List<WriteRequest>> requests) {
    return client
        .batchWriteItem(b -> b.requestItems(requests))
        .thenCompose(
            response ->
                response.unprocessedItems().isEmpty()
                    ? CompletableFuture.completedFuture(null)
                    : writeBatch(client, response.unprocessedItems()));
  }

  static AttributeValue s(String value) {
    return AttributeValue.fromS(value);
  }

  static AttributeValue n(String value) {
    return AttributeValue.fromN(value);
  }

  static AttributeValue n(long value) {
    return AttributeValue.fromN(Long.toString(value));
  }

  static AttributeValue b(byte[] value) {
    return AttributeValue.fromB(SdkBytes.fromByteArray(value));
  }

  static AttributeValue bool(boolean value) {
    return AttributeValue.fromBool(value);
  }

  static AttributeValue ss(String... values) {
    return AttributeValue.fromSs(Arrays.asList(values));
  }

  static AttributeValue ns(String... values) {
    return AttributeValue.fromNs(Arrays.asList(values));
  }

  static AttributeValue l(AttributeValue... values) {
    return AttributeValue.fromL(Arrays.asList(values));
  }

  static AttributeValue m(Object... namesAndValues) {
    return AttributeValue.fromM(item(namesAndValues));
  }

  /** An item or key from alternating attribute names and values, in order. */
  static Map<String, AttributeValue> item(Object... namesAndValues) {
    if (namesAndValues.length % 2 != 0) {
      throw new IllegalArgumentException("names and values must alternate");
    }
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      item.put((String) namesAndValues[i], (AttributeValue) namesAndValues[i + 1]);
    }
    return item;
  }

  /** A string of {@code length} ASCII characters. */
  static String filler(int length) {
    return "x".repeat(length);
  }

  /** On-demand table keyed by string {@code pk}. */
  static Consumer<CreateTableRequest.Builder> hashOnly() {
    return b ->
        b.attributeDefinitions(attribute("pk", ScalarAttributeType.S))
            .keySchema(key("pk", KeyType.HASH))
            .billingMode(BillingMode.PAY_PER_REQUEST);
  }

  /** On-demand table keyed by string {@code pk} and sort key {@code sk} of {@code sortType}. */
  static Consumer<CreateTableRequest.Builder> hashAndRange(ScalarAttributeType sortType) {
    return b ->
        b.attributeDefinitions(attribute("pk", ScalarAttributeType.S), attribute("sk", sortType))
            .keySchema(key("pk", KeyType.HASH), key("sk", KeyType.RANGE))
            .billingMode(BillingMode.PAY_PER_REQUEST);
  }

  static AttributeDefinition attribute(String name, ScalarAttributeType type) {
    return AttributeDefinition.builder().attributeName(name).attributeType(type).build();
  }

  static KeySchemaElement key(String name, KeyType type) {
    return KeySchemaElement.builder().attributeName(name).keyType(type).build();
  }

  /**
   * Asserts that {@code call} fails with a ValidationException, which the SDK surfaces as a plain
   * {@link DynamoDbException}, and returns an assertion on its message.
   */
  static AbstractStringAssert<?> assertValidationError(ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).as("error from the call").isExactlyInstanceOf(DynamoDbException.class);
    DynamoDbException error = (DynamoDbException) thrown;
    assertThat(error.awsErrorDetails().errorCode()).isEqualTo("ValidationException");
    assertThat(error.statusCode()).isEqualTo(400);
    return assertThat(error.awsErrorDetails().errorMessage());
  }

  /** Asserts that {@code call} fails with exactly {@code type} and returns the exception. */
  static <T extends DynamoDbException> T assertFailsWith(Class<T> type, ThrowingCallable call) {
    Throwable thrown = catchThrowable(call);
    assertThat(thrown).as("error from the call").isExactlyInstanceOf(type);
    return type.cast(thrown);
  }
}
