package pitr.local.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The request shapes of DynamoDB's service model, loaded once from the generated resource {@code
 * pitr/local/model/dynamodb-shapes.json} (see {@code tools/dynamodb-model.py} for where it comes
 * from and how to regenerate it).
 */
public final class ShapeModel {
  private static final String RESOURCE = "/pitr/local/model/dynamodb-shapes.json";
  private static volatile ShapeModel dynamoDb;

  private final Map<String, String> operations;
  private final Map<String, Shape> shapes;

  private ShapeModel(Map<String, String> operations, Map<String, Shape> shapes) {
    this.operations = operations;
    this.shapes = shapes;
  }

  /** DynamoDB's model, read from the class path on first use. */
  public static ShapeModel dynamoDb() {
    ShapeModel model = dynamoDb;
    if (model == null) {
      synchronized (ShapeModel.class) {
        model = dynamoDb;
        if (model == null) {
          model = load();
          dynamoDb = model;
        }
      }
    }
    return model;
  }

  /** The input shape of {@code operation}, or null when the model has no such operation. */
  public Shape input(String operation) {
    String name = operations.get(operation);
    return name == null ? null : shapes.get(name);
  }

  /** The shape named {@code name}. */
  public Shape shape(String name) {
    Shape shape = shapes.get(name);
    if (shape == null) {
      throw new IllegalArgumentException("No shape " + name + " in the DynamoDB model");
    }
    return shape;
  }

  /** The names of the operations the model describes. */
  public Set<String> operations() {
    return operations.keySet();
  }

  private static ShapeModel load() {
    try (InputStream in = ShapeModel.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("Resource " + RESOURCE + " is missing from the build");
      }
      JsonNode root = new ObjectMapper().readTree(in);
      Map<String, String> operations = new HashMap<>();
      root.get("operations")
          .fields()
          .forEachRemaining(e -> operations.put(e.getKey(), e.getValue().asText()));
      Map<String, Shape> shapes = new HashMap<>();
      root.get("shapes")
          .fields()
          .forEachRemaining(e -> shapes.put(e.getKey(), parse(e.getKey(), e.getValue())));
      for (Shape shape : shapes.values()) {
        shape.resolve(shapes);
      }
      return new ShapeModel(Map.copyOf(operations), Map.copyOf(shapes));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + RESOURCE, e);
    }
  }

  private static Shape parse(String name, JsonNode node) {
    List<String[]> members = new ArrayList<>();
    JsonNode m = node.get("members");
    if (m != null) {
      for (JsonNode pair : m) {
        members.add(new String[] {pair.get(0).asText(), pair.get(1).asText()});
      }
    }
    Set<String> required = new HashSet<>();
    if (node.has("required")) {
      node.get("required").forEach(r -> required.add(r.asText()));
    }
    List<String> enums = null;
    if (node.has("enum")) {
      enums = new ArrayList<>();
      for (JsonNode v : node.get("enum")) {
        enums.add(v.asText());
      }
    }
    return new Shape(
        name,
        node.get("type").asText(),
        node.has("min") ? node.get("min").decimalValue() : null,
        node.has("max") ? node.get("max").decimalValue() : null,
        node.has("pattern") ? Pattern.compile(node.get("pattern").asText()) : null,
        enums == null ? null : List.copyOf(enums),
        members,
        required,
        text(node, "member"),
        text(node, "key"),
        text(node, "value"));
  }

  private static String text(JsonNode node, String field) {
    return node.has(field) ? node.get(field).asText() : null;
  }
}
