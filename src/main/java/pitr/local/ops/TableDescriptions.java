package pitr.local.ops;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import pitr.dynamo.ItemSizes;
import pitr.local.SecondaryIndex;
import pitr.local.StoreKey;
import pitr.local.Table;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.BillingModeSummary;
import software.amazon.awssdk.services.dynamodb.model.GlobalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.IndexStatus;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.KeyType;
import software.amazon.awssdk.services.dynamodb.model.LocalSecondaryIndexDescription;
import software.amazon.awssdk.services.dynamodb.model.Projection;
import software.amazon.awssdk.services.dynamodb.model.ProvisionedThroughputDescription;
import software.amazon.awssdk.services.dynamodb.model.SSEDescription;
import software.amazon.awssdk.services.dynamodb.model.SSEStatus;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;

/** The TableDescription every table operation and restore returns. */
final class TableDescriptions {
  private TableDescriptions() {}

  /** The TableDescription of {@code t} at {@code now} (epoch ms). */
  static TableDescription describe(Table t, long now) {
    boolean active = now >= t.activeAt;
    if (t.restoreSummary != null && active && t.restoreSummary.restoreInProgress()) {
      t.restoreSummary = t.restoreSummary.toBuilder().restoreInProgress(false).build();
    }
    List<KeySchemaElement> ks = new ArrayList<>();
    ks.add(KeySchemaElement.builder().attributeName(t.partitionKey).keyType(KeyType.HASH).build());
    if (t.sortKey != null) {
      ks.add(KeySchemaElement.builder().attributeName(t.sortKey).keyType(KeyType.RANGE).build());
    }
    TableDescription.Builder b =
        TableDescription.builder()
            .tableName(t.name)
            .tableArn(t.arn)
            .tableId(t.id)
            .tableStatus(TableLifecycle.status(t, now))
            .creationDateTime(Instant.ofEpochMilli(t.createdAt))
            .keySchema(ks)
            .attributeDefinitions(t.attributeDefinitions)
            .itemCount(t.itemCount)
            .tableSizeBytes(t.sizeBytes)
            .deletionProtectionEnabled(t.deletionProtection)
            .provisionedThroughput(TableLifecycle.throughput(t, now))
            .restoreSummary(t.restoreSummary);
    long payPerRequestAt = t.lastPayPerRequestAt();
    if (payPerRequestAt != 0) {
      // Kept once a table was on-demand, as DynamoDB keeps it after a switch to PROVISIONED.
      b.billingModeSummary(
          BillingModeSummary.builder()
              .billingMode(t.billingMode)
              .lastUpdateToPayPerRequestDateTime(Instant.ofEpochMilli(payPerRequestAt))
              .build());
    }
    if (t.sse != null && Boolean.TRUE.equals(t.sse.enabled())) {
      b.sseDescription(
          SSEDescription.builder()
              .status(SSEStatus.ENABLED)
              .sseType(t.sse.sseType())
              .kmsMasterKeyArn(t.sse.kmsMasterKeyId())
              .build());
    }
    if (t.stream != null && Boolean.TRUE.equals(t.stream.streamEnabled())) {
      b.streamSpecification(t.stream);
    }
    List<GlobalSecondaryIndexDescription> gsis = new ArrayList<>();
    List<LocalSecondaryIndexDescription> lsis = new ArrayList<>();
    for (SecondaryIndex i : t.indexes.values()) {
      List<KeySchemaElement> iks = new ArrayList<>();
      iks.add(
          KeySchemaElement.builder().attributeName(i.partitionKey).keyType(KeyType.HASH).build());
      if (i.sortKey != null) {
        iks.add(KeySchemaElement.builder().attributeName(i.sortKey).keyType(KeyType.RANGE).build());
      }
      Projection p =
          Projection.builder()
              .projectionType(i.projectionType)
              .nonKeyAttributes(i.nonKeyAttributes.isEmpty() ? null : i.nonKeyAttributes)
              .build();
      long count = 0;
      long size = 0;
      for (StoreKey k : i.entries.values()) {
        Map<String, AttributeValue> item = t.get(k);
        if (item != null) {
          count++;
          size += ItemSizes.size(i.project(item, t.keyNames));
        }
      }
      if (i.global) {
        boolean backfilling = now < i.backfillingUntil;
        gsis.add(
            GlobalSecondaryIndexDescription.builder()
                .backfilling(backfilling ? Boolean.TRUE : null)
                .indexName(i.name)
                .indexArn(t.arn + "/index/" + i.name)
                .keySchema(iks)
                .projection(p)
                .indexStatus(backfilling ? IndexStatus.CREATING : IndexStatus.ACTIVE)
                .provisionedThroughput(throughput(i.readCapacity, i.writeCapacity))
                .itemCount(count)
                .indexSizeBytes(size)
                .build());
      } else {
        lsis.add(
            LocalSecondaryIndexDescription.builder()
                .indexName(i.name)
                .indexArn(t.arn + "/index/" + i.name)
                .keySchema(iks)
                .projection(p)
                .itemCount(count)
                .indexSizeBytes(size)
                .build());
      }
    }
    if (!gsis.isEmpty()) {
      b.globalSecondaryIndexes(gsis);
    }
    if (!lsis.isEmpty()) {
      b.localSecondaryIndexes(lsis);
    }
    return b.build();
  }

  static ProvisionedThroughputDescription throughput(long rcu, long wcu) {
    return ProvisionedThroughputDescription.builder()
        .readCapacityUnits(rcu)
        .writeCapacityUnits(wcu)
        .numberOfDecreasesToday(0L)
        .build();
  }
}
