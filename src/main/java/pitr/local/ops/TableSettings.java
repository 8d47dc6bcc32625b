package pitr.local.ops;

import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.local.SecondaryIndex;
import pitr.local.Table;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.BillingMode;
import software.amazon.awssdk.services.dynamodb.model.SSESpecification;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.StreamSpecification;

/**
 * What UpdateTable may change of a table, taken before it changes anything, so that a request
 * refused part way (an index that cannot be created after the billing mode was switched, say) is
 * put back whole: a refused UpdateTable changes nothing, as on DynamoDB. Caller holds the engine's
 * write lock.
 */
final class TableSettings {
  private final BillingMode billingMode;
  private final long payPerRequestAt;
  private final long readCapacity;
  private final long writeCapacity;
  private final SSESpecification sse;
  private final StreamSpecification stream;
  private final boolean deletionProtection;
  private final List<AttributeDefinition> attributeDefinitions;
  private final Map<String, ScalarAttributeType> attributeTypes;
  private final Set<String> keyNames;
  private final Map<String, SecondaryIndex> indexes;
  private final Map<String, long[]> indexCapacities = new LinkedHashMap<>();

  private TableSettings(Table t) {
    billingMode = t.billingMode;
    payPerRequestAt = t.payPerRequestAt;
    readCapacity = t.readCapacity;
    writeCapacity = t.writeCapacity;
    sse = t.sse;
    stream = t.stream;
    deletionProtection = t.deletionProtection;
    attributeDefinitions = t.attributeDefinitions;
    attributeTypes = new LinkedHashMap<>(t.attributeTypes);
    keyNames = new LinkedHashSet<>(t.keyNames);
    indexes = new LinkedHashMap<>(t.indexes);
    t.indexes.forEach(
        (name, i) -> indexCapacities.put(name, new long[] {i.readCapacity, i.writeCapacity}));
  }

  /** The settings of {@code t} now. */
  static TableSettings of(Table t) {
    return new TableSettings(t);
  }

  /** Puts {@code t}'s settings back as they were taken. */
  void restore(Table t) {
    t.billingMode = billingMode;
    t.payPerRequestAt = payPerRequestAt;
    t.readCapacity = readCapacity;
    t.writeCapacity = writeCapacity;
    t.sse = sse;
    t.stream = stream;
    t.deletionProtection = deletionProtection;
    t.attributeDefinitions = attributeDefinitions;
    t.attributeTypes.clear();
    t.attributeTypes.putAll(attributeTypes);
    t.keyNames.clear();
    t.keyNames.addAll(keyNames);
    t.indexes.clear();
    t.indexes.putAll(indexes);
    indexCapacities.forEach(
        (name, c) -> {
          SecondaryIndex i = t.indexes.get(name);
          i.readCapacity = c[0];
          i.writeCapacity = c[1];
        });
  }
}
