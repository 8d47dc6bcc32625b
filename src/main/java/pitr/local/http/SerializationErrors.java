package pitr.local.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;

/**
 * DynamoDB's SerializationException texts for a JSON value of the wrong shape, decided by the type
 * the service model gives the member: a scalar of the wrong JSON type ("TRUE_VALUE cannot be
 * converted to String", "NUMBER_VALUE cannot be converted to String", "STRING_VALUE cannot be
 * converted to Integer"), an array where a scalar belongs ("Unrecognized collection type class
 * java.lang.String"), an object where a scalar or list belongs ("Start of structure or map found
 * where not expected."), an array where a map belongs ("Start of list found where not expected"), a
 * scalar where a list or map belongs ("Unexpected field type") or where a structure belongs
 * ("Unexpected value type in payload").
 */
final class SerializationErrors {
  private SerializationErrors() {}

  static final String STRUCTURE_NOT_EXPECTED =
      "Start of structure or map found where not expected.";

  /**
   * A value that is not of the scalar type {@code javaType} ({@code String}, {@code Integer},
   * {@code Long}, {@code Boolean}, {@code Date}, {@code ByteBuffer}...), whose class DynamoDB's
   * messages name as {@code javaClass}.
   */
  static WireFormatException scalar(JsonParser parser, String javaType, String javaClass) {
    JsonToken token = parser.currentToken();
    if (token == JsonToken.START_ARRAY) {
      return new WireFormatException("Unrecognized collection type class " + javaClass);
    }
    if (token == JsonToken.START_OBJECT) {
      return new WireFormatException(STRUCTURE_NOT_EXPECTED);
    }
    return new WireFormatException(tokenName(token) + " cannot be converted to " + javaType);
  }

  /** A value where a list belongs. */
  static WireFormatException list(JsonParser parser) {
    return new WireFormatException(
        parser.currentToken() == JsonToken.START_OBJECT
            ? STRUCTURE_NOT_EXPECTED
            : "Unexpected field type");
  }

  /** A value where a map belongs. */
  static WireFormatException map(JsonParser parser) {
    return new WireFormatException(
        parser.currentToken() == JsonToken.START_ARRAY
            ? "Start of list found where not expected"
            : "Unexpected field type");
  }

  /** A value where the structure {@code shape} (e.g. {@code ProvisionedThroughput}) belongs. */
  static WireFormatException structure(JsonParser parser, String shape) {
    return new WireFormatException(
        parser.currentToken() == JsonToken.START_ARRAY
            ? "Unrecognized collection type class com.amazonaws.dynamodb.v20120810." + shape
            : "Unexpected value type in payload");
  }

  /** A blob that is not valid base64, as DynamoDB's decoder words it. */
  static WireFormatException base64(String text) {
    if (text.length() % 4 != 0) {
      return new WireFormatException(
          "Base64 encoded length is expected a multiple of 4 bytes but found: " + text.length());
    }
    return new WireFormatException("Invalid last non-pad Base64 character dectected");
  }

  private static String tokenName(JsonToken token) {
    if (token == null) {
      return "END_OF_INPUT";
    }
    return switch (token) {
      case VALUE_TRUE -> "TRUE_VALUE";
      case VALUE_FALSE -> "FALSE_VALUE";
      case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "NUMBER_VALUE";
      case VALUE_STRING -> "STRING_VALUE";
      case VALUE_NULL -> "NULL_VALUE";
      default -> token.name();
    };
  }
}
