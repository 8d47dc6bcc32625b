package pitr.local;

import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.services.dynamodb.model.ConditionalCheckFailedException;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;
import software.amazon.awssdk.services.dynamodb.model.InternalServerErrorException;
import software.amazon.awssdk.services.dynamodb.model.ItemCollectionSizeLimitExceededException;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputExceededException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;

/**
 * Factories for the service errors the engine returns. Each carries the error code and HTTP status
 * DynamoDB uses, so the HTTP front end can write the same {@code __type} and the in-process client
 * can hand SDK callers the same exception classes they get from AWS.
 */
public final class Errors {
  private Errors() {}

  /** Service name the SDK puts in error details. */
  public static final String SERVICE = "DynamoDb";

  /** A ValidationException (HTTP 400) with DynamoDB's message text. */
  public static DynamoDbException validation(String message) {
    return (DynamoDbException)
        build(DynamoDbException.builder(), "ValidationException", message, 400);
  }

  /** ResourceNotFoundException for a missing table or index. */
  public static ResourceNotFoundException notFound(String message) {
    return (ResourceNotFoundException)
        build(ResourceNotFoundException.builder(), "ResourceNotFoundException", message, 400);
  }

  /** "Requested resource not found" as DynamoDB words it for a missing table. */
  public static ResourceNotFoundException tableNotFound(String table) {
    return notFound("Requested resource not found: Table: " + table + " not found");
  }

  /** ResourceInUseException, e.g. creating a table that exists. */
  public static ResourceInUseException inUse(String message) {
    return (ResourceInUseException)
        build(ResourceInUseException.builder(), "ResourceInUseException", message, 400);
  }

  /** ConditionalCheckFailedException. */
  public static ConditionalCheckFailedException conditionFailed() {
    return (ConditionalCheckFailedException)
        build(
            ConditionalCheckFailedException.builder(),
            "ConditionalCheckFailedException",
            "The conditional request failed",
            400);
  }

  /** ProvisionedThroughputExceededException. */
  public static ProvisionedThroughputExceededException throughputExceeded() {
    return (ProvisionedThroughputExceededException)
        build(
            ProvisionedThroughputExceededException.builder(),
            "ProvisionedThroughputExceededException",
            "The level of configured provisioned throughput for the table was exceeded. Consider"
                + " increasing your provisioning level with the UpdateTable API.",
            400);
  }

  /** ItemCollectionSizeLimitExceededException (an LSI item collection over 10 GB). */
  public static ItemCollectionSizeLimitExceededException itemCollectionTooLarge() {
    return (ItemCollectionSizeLimitExceededException)
        build(
            ItemCollectionSizeLimitExceededException.builder(),
            "ItemCollectionSizeLimitExceededException",
            "Item collection size limit exceeded",
            400);
  }

  /** InternalServerError (HTTP 500), as DynamoDB answers when it fails on its side. */
  public static InternalServerErrorException internalError(String message) {
    return (InternalServerErrorException)
        build(InternalServerErrorException.builder(), "InternalServerError", message, 500);
  }

  /** Any other error by code, e.g. UnknownOperationException or InternalServerError. */
  public static DynamoDbException of(String code, String message, int status) {
    return (DynamoDbException) build(DynamoDbException.builder(), code, message, status);
  }

  /** Fills the error details every engine error carries. */
  public static AwsServiceException build(
      AwsServiceException.Builder builder, String code, String message, int status) {
    return builder
        .message(message)
        .statusCode(status)
        .awsErrorDetails(
            AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage(message)
                .serviceName(SERVICE)
                .sdkHttpResponse(SdkHttpResponse.builder().statusCode(status).build())
                .build())
        .build();
  }
}
