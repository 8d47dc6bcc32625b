package pitr.dynamo;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/**
 * A table's primary key: the partition key and optional sort key with their types, and the one
 * place that extracts an item's key.
 *
 * @param partitionKey name of the partition (hash) key attribute
 * @param partitionType its type
 * @param sortKey name of the sort (range) key attribute, or null
 * @param sortType its type, or null
 */
public record KeySchema(
    String partitionKey,
    ScalarAttributeType partitionType,
    String sortKey,
    ScalarAttributeType sortType) {

  public KeySchema {
    Objects.requireNonNull(partitionKey, "partitionKey");
  }

  /** The key schema of a described table. */
  public static KeySchema of(TableDescription table) {
    return of(table.keySchema(), table.attributeDefinitions());
  }

  /** The key schema from a key schema list and attribute definitions. */
  public static KeySchema of(List<KeySchemaElement> keys, List<AttributeDefinition> definitions) {
    String hash = null;
    String range = null;
    for (KeySchemaElement k : keys) {
      if (k.keyType() == KeyType.HASH) {
        hash = k.attributeName();
      } else if (k.keyType() == KeyType.RANGE) {
        range = k.attributeName();
      }
    }
    return new KeySchema(hash, type(hash, definitions), range, type(range, definitions));
  }

  /** A schema with only a partition key of {@code type}, for tests and fixtures. */
  public static KeySchema hash(String name, ScalarAttributeType type) {
    return new KeySchema(name, type, null, null);
  }

  private static ScalarAttributeType type(String name, List<AttributeDefinition> definitions) {
    if (name == null) {
      return null;
    }
    return definitions.stream()
        .filter(d -> d.attributeName().equals(name))
        .map(AttributeDefinition::attributeType)
        .findFirst()
        .orElse(null);
  }

  /** The key attributes of {@code item}, in schema order. */
  public Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> key = new LinkedHashMap<>(2);
    AttributeValue hash = item.get(partitionKey);
    if (hash == null) {
      throw new IllegalArgumentException("item has no partition key attribute " + partitionKey);
    }
    key.put(partitionKey, hash);
    if (sortKey != null) {
      AttributeValue range = item.get(sortKey);
      if (range == null) {
        throw new IllegalArgumentException("item has no sort key attribute " + sortKey);
      }
      key.put(sortKey, range);
    }
    return key;
  }

  /** Null when {@code key} is a complete key of this schema, else what is wrong with it. */
  public String problemWith(Map<String, AttributeValue> key) {
    int expected = sortKey == null ? 1 : 2;
    if (!key.containsKey(partitionKey)) {
      return "it has no partition key " + partitionKey;
    }
    if (sortKey != null && !key.containsKey(sortKey)) {
      return "it has no sort key " + sortKey;
    }
    if (key.size() != expected) {
      return "it has attributes other than the key " + describe();
    }
    if (!matches(key.get(partitionKey), partitionType)) {
      return partitionKey + " is not of type " + partitionType;
    }
    if (sortKey != null && !matches(key.get(sortKey), sortType)) {
      return sortKey + " is not of type " + sortType;
    }
    return null;
  }

  private static boolean matches(AttributeValue v, ScalarAttributeType type) {
    if (type == null) {
      return true;
    }
    return switch (type) {
      case S -> v.s() != null;
      case N -> v.n() != null;
      case B -> v.b() != null;
      default -> false;
    };
  }

  /** The attribute names of the key, partition key first. */
  public List<String> names() {
    return sortKey == null ? List.of(partitionKey) : List.of(partitionKey, sortKey);
  }

  /** E.g. {@code pk (S), sk (N)}. */
  public String describe() {
    return partitionKey
        + " ("
        + partitionType
        + ")"
        + (sortKey == null ? "" : ", " + sortKey + " (" + sortType + ")");
  }
}
