package pitr.dynamo;

import com.fasterxml.jackson.core.JsonProcessingException;
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
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Items and keys as DynamoDB JSON ({@code {"pk":{"S":"a"},"n":{"N":"1"}}}), the format of key
 * files, failure files and checkpoints, as the AWS CLI prints them.
 *
 * <p>When reading, a plain JSON string or number stands for an S or N value, so a hand-written key
 * file may say {@code {"pk":"a"}}.
 */
public final class ItemJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private ItemJson() {}

  /** The item as a one-line DynamoDB JSON object. */
  public static String write(Map<String, AttributeValue> item) {
    try {
      return MAPPER.writeValueAsString(toNode(item));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write item as JSON", e);
    }
  }

  /** The item as a Jackson object node. */
  public static ObjectNode toNode(Map<String, AttributeValue> item) {
    ObjectNode node = NODES.objectNode();
    for (Map.Entry<String, AttributeValue> e : item.entrySet()) {
      node.set(e.getKey(), value(e.getValue()));
    }
    return node;
  }

  /**
   * Parses one DynamoDB JSON object.
   *
   * @throws IllegalArgumentException saying what is wrong, for messages that name the line
   */
  public static Map<String, AttributeValue> read(String json) {
    JsonNode node;
    try {
      node = MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("it is not valid JSON (" + e.getOriginalMessage() + ")");
    }
    return fromNode(node);
  }

  /** The item a Jackson object node holds. */
  public static Map<String, AttributeValue> fromNode(JsonNode node) {
    if (node == null || !node.isObject()) {
      throw new IllegalArgumentException("it is not a JSON object");
    }
    Map<String, AttributeValue> item = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      item.put(f.getKey(), parse(f.getKey(), f.getValue()));
    }
    return item;
  }

  private static JsonNode value(AttributeValue v) {
    ObjectNode n = NODES.objectNode();
    switch (v.type()) {
      case S -> n.put("S", v.s());
      case N -> n.put("N", v.n());
      case B -> n.put("B", Base64.getEncoder().encodeToString(v.b().asByteArrayUnsafe()));
      case BOOL -> n.put("BOOL", v.bool());
      case NUL -> n.put("NULL", true);
      case SS -> v.ss().forEach(n.putArray("SS")::add);
      case NS -> v.ns().forEach(n.putArray("NS")::add);
      case BS -> {
        ArrayNode a = n.putArray("BS");
        v.bs().forEach(b -> a.add(Base64.getEncoder().encodeToString(b.asByteArrayUnsafe())));
      }
      case L -> {
        ArrayNode a = n.putArray("L");
        v.l().forEach(e -> a.add(value(e)));
      }
      case M -> n.set("M", toNode(v.m()));
      default -> throw new IllegalArgumentException("unknown attribute value type " + v.type());
    }
    return n;
  }

  private static AttributeValue parse(String name, JsonNode n) {
    if (n.isTextual()) {
      return AttributeValue.fromS(n.asText());
    }
    if (n.isNumber()) {
      return AttributeValue.fromN(n.asText());
    }
    if (!n.isObject() || n.size() != 1) {
      throw new IllegalArgumentException(
          "attribute " + name + " is not a DynamoDB JSON value like {\"S\":\"text\"}");
    }
    Map.Entry<String, JsonNode> typed = n.fields().next();
    JsonNode v = typed.getValue();
    return switch (typed.getKey()) {
      case "S" -> AttributeValue.fromS(v.asText());
      case "N" -> AttributeValue.fromN(v.asText());
      case "B" ->
          AttributeValue.fromB(SdkBytes.fromByteArray(Base64.getDecoder().decode(v.asText())));
      case "BOOL" -> AttributeValue.fromBool(v.asBoolean());
      case "NULL" -> AttributeValue.fromNul(true);
      case "SS" -> AttributeValue.fromSs(texts(v));
      case "NS" -> AttributeValue.fromNs(texts(v));
      case "BS" ->
          AttributeValue.fromBs(
              texts(v).stream()
                  .map(s -> SdkBytes.fromByteArray(Base64.getDecoder().decode(s)))
                  .toList());
      case "L" -> {
        List<AttributeValue> l = new ArrayList<>();
        v.forEach(e -> l.add(parse(name, e)));
        yield AttributeValue.fromL(l);
      }
      case "M" -> AttributeValue.fromM(fromNode(v));
      default ->
          throw new IllegalArgumentException(
              "attribute " + name + " has unknown type " + typed.getKey());
    };
  }

  private static List<String> texts(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(e -> out.add(e.asText()));
    return out;
  }
}
