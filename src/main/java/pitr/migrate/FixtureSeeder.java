package pitr.migrate;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.AdaptiveRateLimiter;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.PutRequest;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

/**
 * Loads a seed fixture into a dev environment. The fixture is JSON lines, two kinds:
 *
 * <pre>
 * {"table": "cars", "key": {"pk": "S", "sk": "S"}}
 * {"table": "cars", "item": {"pk": {"S": "car#1"}, "sk": {"S": "model"}, "make": {"S": "Volvo"}}}
 * </pre>
 *
 * <p>A {@code key} line creates the table (on-demand; partition key first, then the optional sort
 * key, types S, N or B) unless it exists; an {@code item} line puts one item in DynamoDB JSON. A
 * table must be declared by a {@code key} line before its items, or exist already. Blank lines and
 * lines starting with {@code #} or {@code //} are skipped.
 */
public final class FixtureSeeder {
  private final DynamoDbGateway db;

  FixtureSeeder(DynamoDbGateway db) {
    this.db = db;
  }

  /** Creates the table {@code request} describes unless it exists, and waits until it is ACTIVE. */
  static Mono<Void> createIfMissing(
      DynamoDbGateway db, CreateTableRequest request, Duration timeout) {
    return db.findTable(request.tableName())
        .hasElement()
        .flatMap(
            exists ->
                exists
                    ? Mono.<Void>empty()
                    : db.createTable(request)
                        .onErrorResume(
                            e -> PitrException.causedBy(e, ResourceInUseException.class),
                            e -> Mono.empty())
                        .then())
        .thenMany(db.awaitActive(request.tableName(), timeout, Duration.ofMillis(200)))
        .then();
  }

  /** The outcome of seeding: tables created or found, and items put per table. */
  public record Seeded(Map<String, Long> items) {}

  /**
   * Seeds {@code file}.
   *
   * @throws PitrException {@link ErrorCode#USAGE} naming the line that is not valid
   */
  public Mono<Seeded> seed(Path file) {
    return Mono.defer(
        () -> {
          Map<String, CreateTableRequest> tables = new LinkedHashMap<>();
          Map<String, List<Map<String, AttributeValue>>> items = new LinkedHashMap<>();
          read(file, tables, items);
          return Flux.fromIterable(tables.values())
              .concatMap(t -> createIfMissing(db, t, Duration.ofMinutes(1)))
              .thenMany(Flux.fromIterable(items.entrySet()))
              .concatMap(
                  e ->
                      Flux.fromIterable(e.getValue())
                          .buffer(25)
                          .concatMap(
                              batch ->
                                  BatchWrites.write(
                                      db,
                                      e.getKey(),
                                      batch.stream()
                                          .map(
                                              i ->
                                                  WriteRequest.builder()
                                                      .putRequest(
                                                          PutRequest.builder().item(i).build())
                                                      .build())
                                          .toList(),
                                      AdaptiveRateLimiter.create(0, db.scheduler())))
                          .then(Mono.just(Map.entry(e.getKey(), (long) e.getValue().size()))))
              .collectMap(Map.Entry::getKey, Map.Entry::getValue, LinkedHashMap::new)
              .map(Seeded::new);
        });
  }

  private static void read(
      Path file,
      Map<String, CreateTableRequest> tables,
      Map<String, List<Map<String, AttributeValue>>> items) {
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      String line;
      int n = 0;
      while ((line = in.readLine()) != null) {
        n++;
        String text = line.strip();
        if (text.isEmpty() || text.startsWith("#") || text.startsWith("//")) {
          continue;
        }
        try {
          JsonNode node = DynamoJson.MAPPER.readTree(text);
          String table = node.path("table").asText(null);
          if (table == null) {
            throw new IllegalArgumentException("no \"table\"");
          }
          if (node.has("key")) {
            tables.put(table, createTable(table, node.get("key")));
          } else if (node.has("item")) {
            items
                .computeIfAbsent(table, k -> new ArrayList<>())
                .add(DynamoJson.item(node.get("item")));
          } else {
            throw new IllegalArgumentException("neither \"key\" nor \"item\"");
          }
        } catch (IOException | IllegalArgumentException e) {
          throw new PitrException(
              ErrorCode.USAGE,
              "Seed file "
                  + file
                  + " line "
                  + n
                  + " is not valid: "
                  + e.getMessage()
                  + "; write {\"table\": \"t\", \"key\": {\"pk\": \"S\"}} or {\"table\": \"t\","
                  + " \"item\": {DynamoDB JSON}}");
        }
      }
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE, "Cannot read seed file " + file + ": " + e.getMessage(), e);
    }
  }

  private static CreateTableRequest createTable(String table, JsonNode key) {
    List<AttributeDefinition> defs = new ArrayList<>();
    List<KeySchemaElement> schema = new ArrayList<>();
    Iterator<Map.Entry<String, JsonNode>> fields = key.fields();
    KeyType type = KeyType.HASH;
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      if (schema.size() == 2) {
        throw new IllegalArgumentException("a key has at most two attributes");
      }
      defs.add(
          AttributeDefinition.builder()
              .attributeName(f.getKey())
              .attributeType(ScalarAttributeType.fromValue(f.getValue().asText()))
              .build());
      schema.add(KeySchemaElement.builder().attributeName(f.getKey()).keyType(type).build());
      type = KeyType.RANGE;
    }
    if (schema.isEmpty()) {
      throw new IllegalArgumentException("\"key\" names no attribute");
    }
    return CreateTableRequest.builder()
        .tableName(table)
        .billingMode(BillingMode.PAY_PER_REQUEST)
        .attributeDefinitions(defs)
        .keySchema(schema)
        .build();
  }
}
