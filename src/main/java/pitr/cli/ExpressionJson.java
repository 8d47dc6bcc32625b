package pitr.cli;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.ItemJson;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Expression placeholders given on the command line as the AWS CLI takes them: attribute names as
 * {@code {"#n":"name"}}, attribute values as DynamoDB JSON {@code {":v":{"N":"3"}}}, inline or
 * {@code file://PATH}. Every problem is a {@link ErrorCode#USAGE} error naming the option, and for
 * malformed JSON the line and column.
 */
final class ExpressionJson {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String VALUES_EXAMPLE = "{\":v\":{\"N\":\"3\"}}";
  static final String NAMES_EXAMPLE = "{\"#n\":\"name\"}";

  private ExpressionJson() {}

  /** {@code #placeholder} to attribute name; empty when {@code text} is null. */
  static Map<String, String> names(String option, String text) {
    Map<String, String> out = new LinkedHashMap<>();
    if (text == null) {
      return out;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = object(option, text, NAMES_EXAMPLE).fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      placeholder(option, f.getKey(), '#', NAMES_EXAMPLE);
      if (!f.getValue().isTextual() || f.getValue().asText().isEmpty()) {
        throw usage(
            option
                + " gives "
                + f.getKey()
                + " the value "
                + f.getValue()
                + ", not an attribute name; each placeholder maps to a name as a JSON string, e.g. "
                + NAMES_EXAMPLE);
      }
      out.put(f.getKey(), f.getValue().asText());
    }
    return out;
  }

  /** {@code :placeholder} to attribute value; empty when {@code text} is null. */
  static Map<String, AttributeValue> values(String option, String text) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    if (text == null) {
      return out;
    }
    JsonNode node = object(option, text, VALUES_EXAMPLE);
    node.fieldNames().forEachRemaining(name -> placeholder(option, name, ':', VALUES_EXAMPLE));
    try {
      out.putAll(ItemJson.fromNode(node));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw usage(
          option
              + " is not DynamoDB JSON ("
              + e.getMessage()
              + "); give each value with its type, e.g. "
              + VALUES_EXAMPLE);
    }
    for (Map.Entry<String, AttributeValue> e : out.entrySet()) {
      String bad = notANumber(e.getValue());
      if (bad != null) {
        throw usage(
            option
                + " gives "
                + e.getKey()
                + " the number \""
                + bad
                + "\", which is not a number; give a decimal number as a string, e.g. "
                + VALUES_EXAMPLE);
      }
    }
    return out;
  }

  /** The first N or NS element in {@code v} that is not a decimal number, or null. */
  private static String notANumber(AttributeValue v) {
    List<String> numbers =
        switch (v.type()) {
          case N -> List.of(v.n());
          case NS -> v.ns();
          case L -> {
            for (AttributeValue e : v.l()) {
              String bad = notANumber(e);
              if (bad != null) {
                yield List.of(bad);
              }
            }
            yield List.of();
          }
          case M -> {
            for (AttributeValue e : v.m().values()) {
              String bad = notANumber(e);
              if (bad != null) {
                yield List.of(bad);
              }
            }
            yield List.of();
          }
          default -> List.of();
        };
    for (String n : numbers) {
      try {
        new BigDecimal(n.trim());
      } catch (NumberFormatException e) {
        return n;
      }
    }
    return null;
  }

  private static JsonNode object(String option, String text, String example) {
    String json = text;
    String source = option;
    if (text.startsWith("file://")) {
      Path file = Path.of(text.substring("file://".length()));
      source = option + " file " + file;
      try {
        json = Files.readString(file, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw usage(
            option + " names file " + file + ", which cannot be read (" + e + "); check the path");
      }
    }
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      JsonLocation at = e.getLocation();
      throw usage(
          source
              + " is not valid JSON"
              + (at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr())
              + ": "
              + e.getOriginalMessage().replaceAll(" \\(start marker at \\[Source: .*?\\]\\)", "")
              + "; pass an object like "
              + example
              + " (quote it for the shell)");
    }
    if (node == null || !node.isObject() || node.isEmpty()) {
      throw usage(source + " must be a JSON object with at least one placeholder, e.g. " + example);
    }
    return node;
  }

  private static void placeholder(String option, String name, char sigil, String example) {
    if (name.length() < 2 || name.charAt(0) != sigil) {
      throw usage(
          option
              + " has the key \""
              + name
              + "\"; placeholders start with "
              + sigil
              + ", as the filter refers to them, e.g. "
              + example);
    }
  }

  private static PitrException usage(String message) {
    return new PitrException(ErrorCode.USAGE, message);
  }
}
