package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.lang.reflect.Method;
import java.math.BigDecimal;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import pitr.local.LocalEngine;
import pitr.local.http.LocalServer;
import pitr.local.validate.Shape;
import pitr.local.validate.ShapeModel;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.SdkPojo;

/**
 * Test cases generated from the service model's shape description: for every operation the engine
 * serves and every top-level member its SDK request type knows, a value out of the member's range
 * and values of the wrong JSON type, each with the answer DynamoDB gives.
 */
final class ModelCases {
  private ModelCases() {}

  static final ShapeModel MODEL = ShapeModel.dynamoDb();
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One request body and the error DynamoDB answers it with. */
  record Case(String operation, String member, String body, String type, String message) {
    String name() {
      return operation + " " + member + " = " + abbreviate(body);
    }
  }

  /** The operations the engine serves: LocalEngine's public methods taking a request type. */
  static Set<String> servedOperations() {
    return Arrays.stream(LocalEngine.class.getMethods())
        .filter(m -> m.getParameterCount() == 1)
        .map(Method::getParameterTypes)
        .map(p -> p[0].getSimpleName())
        .filter(n -> n.endsWith("Request"))
        .map(n -> n.substring(0, n.length() - "Request".length()))
        .filter(n -> MODEL.input(n) != null)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** The members of {@code operation}'s input, in model order, that the SDK request type has. */
  static List<Shape.Member> members(String operation) {
    Set<String> known = sdkMembers(operation);
    return MODEL.input(operation).members().stream().filter(m -> known.contains(m.name())).toList();
  }

  private static Set<String> sdkMembers(String operation) {
    try {
      Class<?> type =
          Class.forName("software.amazon.awssdk.services.dynamodb.model." + operation + "Request");
      SdkPojo builder = (SdkPojo) type.getMethod("builder").invoke(null);
      return builder.sdkFields().stream().map(SdkField::memberName).collect(Collectors.toSet());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Out-of-range cases: the member alone in the body, so required members are reported too. */
  static List<Case> outOfRange() {
    List<Case> cases = new ArrayList<>();
    for (String op : servedOperations()) {
      for (Shape.Member m : members(op)) {
        for (Object[] value : outOfRangeValues(m.shape())) {
          cases.add(
              new Case(
                  op,
                  m.name(),
                  "{\"" + m.name() + "\":" + value[0] + "}",
                  "com.amazon.coral.validate#ValidationException",
                  expectedValidation(op, m, (String) value[1], breaches(m.shape(), value[2]))));
        }
      }
    }
    return cases;
  }

  /** Wrong-JSON-type cases, with DynamoDB's SerializationException text for the member's type. */
  static List<Case> wrongTypes() {
    List<Case> cases = new ArrayList<>();
    for (String op : servedOperations()) {
      for (Shape.Member m : members(op)) {
        for (String[] wrong : wrongValues(m.shape())) {
          cases.add(
              new Case(
                  op,
                  m.name(),
                  "{\"" + m.name() + "\":" + wrong[0] + "}",
                  "com.amazon.coral.service#SerializationException",
                  wrong[1]));
        }
      }
    }
    return cases;
  }

  /** Each entry: JSON text, rendering in the message, and the value the constraints see. */
  private static List<Object[]> outOfRangeValues(Shape s) {
    List<Object[]> out = new ArrayList<>();
    switch (s.type()) {
      case "string" -> {
        if (s.min() != null && s.min().intValue() > 0) {
          String v = "a".repeat(s.min().intValue() - 1);
          out.add(new Object[] {quote(v), v, v});
        }
        if (s.max() != null && s.max().intValue() < 100_000) {
          String v = "a".repeat(s.max().intValue() + 1);
          out.add(new Object[] {quote(v), v, v});
        }
        if (s.enumValues() != null) {
          out.add(new Object[] {quote("NOT_A_VALUE"), "NOT_A_VALUE", "NOT_A_VALUE"});
        }
      }
      case "integer", "long" -> {
        if (s.min() != null) {
          BigDecimal v = s.min().subtract(BigDecimal.ONE);
          out.add(new Object[] {v.toPlainString(), v.toPlainString(), v});
        }
        if (s.max() != null && s.max().compareTo(BigDecimal.valueOf(Integer.MAX_VALUE)) < 0) {
          BigDecimal v = s.max().add(BigDecimal.ONE);
          out.add(new Object[] {v.toPlainString(), v.toPlainString(), v});
        }
      }
      case "list" -> {
        if (s.min() != null && s.min().intValue() > 0) {
          out.add(new Object[] {"[]", "[]", List.of()});
        }
      }
      case "map" -> {
        if (s.min() != null && s.min().intValue() > 0) {
          out.add(new Object[] {"{}", "{}", java.util.Map.of()});
        }
      }
      default -> {}
    }
    return out;
  }

  /** DynamoDB's constraint texts a value breaks, in its order. */
  private static List<String> breaches(Shape s, Object value) {
    List<String> out = new ArrayList<>();
    if (value instanceof BigDecimal v) {
      if (s.min() != null && v.compareTo(s.min()) < 0) {
        out.add("Member must have value greater than or equal to " + s.min().toPlainString());
      }
      if (s.max() != null && v.compareTo(s.max()) > 0) {
        out.add("Member must have value less than or equal to " + s.max().toPlainString());
      }
      return out;
    }
    int length =
        value instanceof String str
            ? str.length()
            : value instanceof List<?> l ? l.size() : ((java.util.Map<?, ?>) value).size();
    if (s.pattern() != null && value instanceof String str && !s.pattern().matcher(str).matches()) {
      out.add("Member must satisfy regular expression pattern: " + s.pattern().pattern());
    }
    if (s.min() != null && length < s.min().intValue()) {
      out.add("Member must have length greater than or equal to " + s.min().toPlainString());
    }
    if (s.max() != null && length > s.max().intValue()) {
      out.add("Member must have length less than or equal to " + s.max().toPlainString());
    }
    if (s.enumValues() != null && !s.enumValues().contains(value)) {
      out.add("Member must satisfy enum value set: [" + String.join(", ", s.enumValues()) + "]");
    }
    return out;
  }

  private static String expectedValidation(
      String op, Shape.Member tested, String rendered, List<String> broken) {
    List<String> errors = new ArrayList<>();
    for (Shape.Member m : members(op)) {
      String path = Character.toLowerCase(m.name().charAt(0)) + m.name().substring(1);
      if (m.name().equals(tested.name())) {
        for (String b : broken) {
          errors.add(
              "Value '" + rendered + "' at '" + path + "' failed to satisfy constraint: " + b);
        }
      } else if (m.required()) {
        errors.add(
            "Value null at '" + path + "' failed to satisfy constraint: Member must not be null");
      }
    }
    List<String> listed = errors.subList(0, Math.min(10, errors.size()));
    return listed.size()
        + " validation error"
        + (listed.size() == 1 ? "" : "s")
        + " detected: "
        + String.join("; ", listed);
  }

  private static List<String[]> wrongValues(Shape s) {
    return switch (s.type()) {
      case "string" ->
          List.of(
              new String[] {"true", "TRUE_VALUE cannot be converted to String"},
              new String[] {"false", "FALSE_VALUE cannot be converted to String"},
              new String[] {"5", "NUMBER_VALUE cannot be converted to String"},
              new String[] {"{}", "Start of structure or map found where not expected."},
              new String[] {"[]", "Unrecognized collection type class java.lang.String"});
      case "integer" ->
          List.of(
              new String[] {"\"5\"", "STRING_VALUE cannot be converted to Integer"},
              new String[] {"true", "TRUE_VALUE cannot be converted to Integer"},
              new String[] {"[]", "Unrecognized collection type class java.lang.Integer"});
      case "long" ->
          List.of(
              new String[] {"\"5\"", "STRING_VALUE cannot be converted to Long"},
              new String[] {"false", "FALSE_VALUE cannot be converted to Long"});
      case "boolean" ->
          List.of(
              new String[] {"\"true\"", "STRING_VALUE cannot be converted to Boolean"},
              new String[] {"1", "NUMBER_VALUE cannot be converted to Boolean"},
              new String[] {"{}", "Start of structure or map found where not expected."});
      case "list" ->
          List.of(
              new String[] {"\"x\"", "Unexpected field type"},
              new String[] {"5", "Unexpected field type"},
              new String[] {"{}", "Start of structure or map found where not expected."});
      case "map" ->
          List.of(
              new String[] {"\"x\"", "Unexpected field type"},
              new String[] {"true", "Unexpected field type"},
              new String[] {"[]", "Start of list found where not expected"});
      case "structure" ->
          List.of(
              new String[] {"5", "Unexpected value type in payload"},
              new String[] {"\"x\"", "Unexpected value type in payload"});
      case "blob" ->
          List.<String[]>of(new String[] {"true", "TRUE_VALUE cannot be converted to ByteBuffer"});
      case "timestamp" ->
          List.<String[]>of(new String[] {"true", "TRUE_VALUE cannot be converted to Date"});
      default -> List.of();
    };
  }

  private static String quote(String s) {
    return "\"" + s + "\"";
  }

  private static String abbreviate(String s) {
    return s.length() > 60 ? s.substring(0, 57) + "..." : s;
  }

  /** The answer to one raw POST of {@code body} to {@code operation}. */
  record Answer(int status, JsonNode body, HttpResponse<String> raw) {}

  static Answer post(HttpClient http, URI endpoint, String operation, String body)
      throws Exception {
    HttpRequest request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-amz-json-1.0")
            .header("X-Amz-Target", "DynamoDB_20120810." + operation)
            .header(
                "Authorization",
                "AWS4-HMAC-SHA256 Credential=test/20240101/us-east-1/dynamodb/aws4_request,"
                    + " SignedHeaders=host;x-amz-target, Signature=0")
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
    JsonNode json = response.body().isEmpty() ? null : JSON.readTree(response.body());
    return new Answer(response.statusCode(), json, response);
  }

  /** An in-memory engine served over loopback HTTP, and a raw HTTP client for model cases. */
  record Served(LocalEngine engine, LocalServer server, HttpClient http) implements AutoCloseable {
    static Served start() {
      LocalEngine engine = LocalEngine.create();
      return new Served(
          engine, LocalServer.start(engine, "127.0.0.1", 0), HttpClient.newHttpClient());
    }

    @Override
    public void close() {
      server.close();
      engine.close();
    }
  }

  /**
   * One dynamic test per case, the one runner of every generated case: its body posted raw to
   * {@code served}, answered 400 with the case's {@code __type} and its message under {@code
   * messageField} ({@code message} or {@code Message}, as DynamoDB names it for that error), and
   * under no other casing.
   */
  static Stream<DynamicTest> posted(Served served, List<Case> cases, String messageField) {
    String otherField = messageField.equals("message") ? "Message" : "message";
    return cases.stream()
        .map(
            c ->
                DynamicTest.dynamicTest(
                    c.name(),
                    () -> {
                      Answer answer =
                          post(served.http(), served.server().endpoint(), c.operation(), c.body());

                      assertThat(answer.status()).isEqualTo(400);
                      assertThat(answer.body().path("__type").asText()).isEqualTo(c.type());
                      assertThat(answer.body().path(messageField).asText()).isEqualTo(c.message());
                      assertThat(answer.body().has(otherField)).isFalse();
                    }));
  }
}
