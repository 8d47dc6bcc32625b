package pitr.local.export;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Writes items in DynamoDB JSON, the typed form of the wire protocol and of DYNAMODB_JSON exports.
 */
final class DynamoJson {
  private DynamoJson() {}

  /** Writes {@code item} as an object of typed attribute values. */
  static void writeItem(JsonGenerator g, Map<String, AttributeValue> item) throws IOException {
    g.writeStartObject();
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      g.writeFieldName(e.getKey());
      writeValue(g, e.getValue());
    }
    g.writeEndObject();
  }

  static void writeValue(JsonGenerator g, AttributeValue v) throws IOException {
    g.writeStartObject();
    switch (v.type()) {
      case S -> g.writeStringField("S", v.s());
      case N -> g.writeStringField("N", v.n());
      case B -> g.writeStringField("B", base64(v.b()));
      case BOOL -> g.writeBooleanField("BOOL", v.bool());
      case NUL -> g.writeBooleanField("NULL", true);
      case SS -> writeStrings(g, "SS", v.ss());
      case NS -> writeStrings(g, "NS", v.ns());
      case BS -> {
        g.writeArrayFieldStart("BS");
        for (SdkBytes b : v.bs()) {
          g.writeString(base64(b));
        }
        g.writeEndArray();
      }
      case M -> {
        g.writeFieldName("M");
        writeItem(g, v.m());
      }
      case L -> {
        g.writeArrayFieldStart("L");
        for (AttributeValue e : v.l()) {
          writeValue(g, e);
        }
        g.writeEndArray();
      }
      default -> throw new IllegalArgumentException("attribute value of unknown type: " + v);
    }
    g.writeEndObject();
  }

  private static void writeStrings(JsonGenerator g, String type, List<String> values)
      throws IOException {
    g.writeArrayFieldStart(type);
    for (String s : values) {
      g.writeString(s);
    }
    g.writeEndArray();
  }

  private static String base64(SdkBytes b) {
    return Base64.getEncoder().encodeToString(b.asByteArrayUnsafe());
  }
}
