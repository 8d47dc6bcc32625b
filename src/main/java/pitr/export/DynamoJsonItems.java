package pitr.export;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Parses items written in DynamoDB JSON (typed attribute values), as exports hold them. */
final class DynamoJsonItems {
  private DynamoJsonItems() {}

  /** The item of an object of typed attribute values. */
  static Map<String, AttributeValue> item(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("expected an object of attribute values, got " + node);
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      out.put(e.getKey(), value(e.getValue()));
    }
    return out;
  }

  static AttributeValue value(JsonNode v) {
    if (v == null || !v.isObject() || v.size() != 1) {
      throw new IllegalArgumentException("expected one typed attribute value, got " + v);
    }
    Map.Entry<String, JsonNode> e = v.fields().next();
    JsonNode x = e.getValue();
    return switch (e.getKey()) {
      case "S" -> AttributeValue.fromS(x.asText());
      case "N" -> AttributeValue.fromN(x.asText());
      case "B" -> AttributeValue.fromB(bytes(x));
      case "BOOL" -> AttributeValue.fromBool(x.asBoolean());
      case "NULL" -> AttributeValue.fromNul(true);
      case "SS" -> AttributeValue.fromSs(strings(x));
      case "NS" -> AttributeValue.fromNs(strings(x));
      case "BS" -> {
        List<SdkBytes> l = new ArrayList<>();
        x.forEach(n -> l.add(bytes(n)));
        yield AttributeValue.fromBs(l);
      }
      case "M" -> AttributeValue.fromM(item(x));
      case "L" -> {
        List<AttributeValue> l = new ArrayList<>();
        x.forEach(n -> l.add(value(n)));
        yield AttributeValue.fromL(l);
      }
      default -> throw new IllegalArgumentException("unknown attribute type " + e.getKey());
    };
  }

  private static SdkBytes bytes(JsonNode x) {
    return SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText()));
  }

  private static List<String> strings(JsonNode x) {
    List<String> out = new ArrayList<>();
    x.forEach(n -> out.add(n.asText()));
    return out;
  }
}
