package pitr.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * DynamoDB JSON (the wire and AWS CLI format, {@code {"pk": {"S": "car#1"}}}) to and from SDK
 * attribute values.
 */
public final class DynamoJson {
  static final ObjectMapper MAPPER = new ObjectMapper();

  private DynamoJson() {}

  /**
   * Parses an item in DynamoDB JSON.
   *
   * @throws IllegalArgumentException naming the attribute whose value is not DynamoDB JSON
   */
  public static Map<String, AttributeValue> item(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException(
          "an item must be a JSON object of attribute name to value");
    }
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      out.put(f.getKey(), value(f.getKey(), f.getValue()));
    }
    return out;
  }

  static AttributeValue value(String name, JsonNode node) {
    if (node == null || !node.isObject() || node.size() != 1) {
      throw new IllegalArgumentException(
          "attribute "
              + name
              + " is not DynamoDB JSON; write it as {\"S\": \"text\"}, {\"N\": \"1\"}, {\"M\": {...}}"
              + " and so on");
    }
    String type = node.fieldNames().next();
    JsonNode v = node.get(type);
    switch (type) {
      case "S":
        return AttributeValue.fromS(v.asText());
      case "N":
        return AttributeValue.fromN(v.asText());
      case "B":
        return AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
      case "BOOL":
        return AttributeValue.fromBool(v.asBoolean());
      case "NULL":
        return AttributeValue.fromNul(true);
      case "M":
        return AttributeValue.fromM(item(v));
      case "L":
        {
          List<AttributeValue> l = new ArrayList<>();
          v.forEach(x -> l.add(value(name, x)));
          return AttributeValue.fromL(l);
        }
      case "SS":
        {
          List<String> l = new ArrayList<>();
          v.forEach(x -> l.add(x.asText()));
          return AttributeValue.fromSs(l);
        }
      case "NS":
        {
          List<String> l = new ArrayList<>();
          v.forEach(x -> l.add(x.asText()));
          return AttributeValue.fromNs(l);
        }
      case "BS":
        {
          List<SdkBytes> l = new ArrayList<>();
          v.forEach(x -> l.add(SdkBytes.fromByteArray(Base64.getDecoder().decode(x.asText()))));
          return AttributeValue.fromBs(l);
        }
      default:
        throw new IllegalArgumentException(
            "attribute "
                + name
                + " has unknown DynamoDB type "
                + type
                + "; use S, N, B, BOOL, NULL,"
                + " M, L, SS, NS or BS");
    }
  }

  /** An item as DynamoDB JSON, attributes sorted by name. */
  public static ObjectNode toJson(Map<String, AttributeValue> item) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    new TreeMap<>(item).forEach((k, v) -> out.set(k, toJson(v)));
    return out;
  }

  /** An item as one line of DynamoDB JSON text. */
  public static String toText(Map<String, AttributeValue> item) {
    return item == null ? "null" : toJson(item).toString();
  }

  static JsonNode toJson(AttributeValue v) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    if (v.s() != null) {
      out.put("S", v.s());
    } else if (v.n() != null) {
      out.put("N", v.n());
    } else if (v.b() != null) {
      out.put("B", Base64.getEncoder().encodeToString(v.b().asByteArray()));
    } else if (v.bool() != null) {
      out.put("BOOL", v.bool());
    } else if (Boolean.TRUE.equals(v.nul())) {
      out.put("NULL", true);
    } else if (v.hasM()) {
      out.set("M", toJson(v.m()));
    } else if (v.hasL()) {
      ArrayNode a = out.putArray("L");
      v.l().forEach(x -> a.add(toJson(x)));
    } else if (v.hasSs()) {
      ArrayNode a = out.putArray("SS");
      v.ss().forEach(a::add);
    } else if (v.hasNs()) {
      ArrayNode a = out.putArray("NS");
      v.ns().forEach(a::add);
    } else if (v.hasBs()) {
      ArrayNode a = out.putArray("BS");
      v.bs().forEach(b -> a.add(Base64.getEncoder().encodeToString(b.asByteArray())));
    }
    return out;
  }

  /** Write capacity units one standard write of this item costs: whole KB, at least one. */
  static long writeUnits(Map<String, AttributeValue> item) {
    return item == null ? 1 : ItemSizes.writeUnits(item);
  }
}
