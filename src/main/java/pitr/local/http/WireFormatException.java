package pitr.local.http;

/**
 * A request body that is not valid DynamoDB JSON: malformed JSON or a member of the wrong JSON
 * type. The server answers it with a SerializationException, as DynamoDB does.
 */
final class WireFormatException extends RuntimeException {
  WireFormatException(String message) {
    super(message, null, false, false);
  }
}
