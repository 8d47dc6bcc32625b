package pitr.local.http;

import java.util.Set;

/**
 * How DynamoDB spells each error on the wire: the namespace of its {@code __type} and the name of
 * its message field. The request-level errors come from the AWS service framework ({@code
 * com.amazon.coral.validate#ValidationException}, {@code com.amazon.coral.service#...} for
 * serialization, unknown operations and authentication, {@code com.amazon.coral.availability#} for
 * ThrottlingException), DynamoDB's own from {@code com.amazonaws.dynamodb.v20120810#}. Most carry
 * {@code message}; SerializationException and TransactionCanceledException carry {@code Message},
 * as DynamoDB sends them. The SDKs read either spelling.
 */
final class ErrorShapes {
  private ErrorShapes() {}

  static final String DYNAMODB = "com.amazonaws.dynamodb.v20120810#";
  static final String CORAL_SERVICE = "com.amazon.coral.service#";
  static final String CORAL_VALIDATE = "com.amazon.coral.validate#";
  static final String CORAL_AVAILABILITY = "com.amazon.coral.availability#";

  private static final Set<String> SERVICE_ERRORS =
      Set.of(
          "SerializationException",
          "UnknownOperationException",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "IncompleteSignatureException",
          "MissingAuthenticationTokenException",
          "AccessDeniedException",
          "RequestEntityTooLargeException");

  private static final Set<String> CAPITALISED_MESSAGE =
      Set.of("SerializationException", "TransactionCanceledException");

  /** The full {@code __type} of the error {@code code}, e.g. {@code ValidationException}. */
  static String type(String code) {
    if (code.equals("ValidationException")) {
      return CORAL_VALIDATE + code;
    }
    if (code.equals("ThrottlingException")) {
      return CORAL_AVAILABILITY + code;
    }
    return (SERVICE_ERRORS.contains(code) ? CORAL_SERVICE : DYNAMODB) + code;
  }

  /** The name of the message field in the body of the error {@code code}. */
  static String messageField(String code) {
    return CAPITALISED_MESSAGE.contains(code) ? "Message" : "message";
  }
}
