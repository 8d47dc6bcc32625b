package pitr.local.ops;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import pitr.dynamo.ItemSizes;
import pitr.local.EngineConfig;
import pitr.local.Errors;
import pitr.local.Items;
import pitr.local.PageItems;
import pitr.local.SecondaryIndex;
import pitr.local.StoreKey;
import pitr.local.Table;
import pitr.local.Version;
import pitr.local.capacity.CapacityTally;
import pitr.local.capacity.Throughput;
import pitr.local.expr.AttributeValues;
import pitr.local.expr.ConditionExpression;
import pitr.local.expr.ExpressionContext;
import pitr.local.expr.KeyConditionExpression;
import pitr.local.expr.ProjectionExpression;
import pitr.local.expr.SortKeyCondition;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.ProjectionType;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScalarAttributeType;
import software.amazon.awssdk.services.dynamodb.model.ScanRequest;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.Select;

/**
 * Query and Scan (parallel scans included): each checks its request and chooses a key range, then
 * both read a page of it the same way.
 */
public final class ReadOps extends OperationFamily {
  public ReadOps(EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
  }

  static final long MAX_PAGE_BYTES = 1024 * 1024;

  /** Query. */
  public QueryResponse query(QueryRequest r) {
    return Requests.guard(
        () -> {
          LegacyParameters.Read legacy = LegacyParameters.query(r);
          ExpressionContext ctx =
              new ExpressionContext(r.expressionAttributeNames(), r.expressionAttributeValues());
          KeyConditionExpression parsedKeys =
              r.keyConditionExpression() == null
                  ? null
                  : ctx.keyCondition(r.keyConditionExpression());
          ConditionExpression filter =
              legacy.filter() != null
                  ? legacy.filter()
                  : Requests.condition(ctx, r.filterExpression(), "FilterExpression");
          ProjectionExpression proj =
              legacy.projection() != null
                  ? legacy.projection()
                  : Requests.projection(ctx, r.projectionExpression());
          ctx.checkAllUsed();
          checkSelect(
              r.select(), r.projectionExpression() != null, r.hasAttributesToGet(), r.indexName());
          // Everything above needs no table: DynamoDB checks it before it looks the table up.
          Table t = catalog.active(r.tableName());
          SecondaryIndex idx = Requests.index(t, r.indexName(), r.consistentRead());
          Requests.checkReadable(idx, clock.millis());
          String pk = idx == null ? t.partitionKey : idx.partitionKey;
          String sk = idx == null ? t.sortKey : idx.sortKey;
          KeyConditionExpression legacyKeys = LegacyParameters.queryKeys(t, idx, r);
          KeyConditionExpression kc =
              legacyKeys != null ? legacyKeys : parsedKeys.forPartitionKey(pk);
          if (!kc.partitionKey().equals(pk)) {
            throw Errors.validation("Query condition missed key schema element: " + pk);
          }
          SortKeyCondition sc = kc.sortKey().orElse(null);
          if (sc != null && !sc.attribute().equals(sk)) {
            throw Errors.validation(
                sk == null
                    ? "Query key condition not supported"
                    : "Query condition missed key schema element: " + sk);
          }
          ScalarAttributeType pkType = t.attributeTypes.get(pk);
          AttributeValue pv = Items.normalise(kc.partitionValue());
          if (!AttributeValues.typeName(pv).equals(pkType.toString())) {
            throw Errors.validation(
                "One or more parameter values were invalid: Condition parameter type does not"
                    + " match schema type");
          }
          if (sc != null
              && !AttributeValues.typeName(sc.value())
                  .equals(t.attributeTypes.get(sk).toString())) {
            throw Errors.validation(
                "One or more parameter values were invalid: Condition parameter type does not"
                    + " match schema type");
          }
          boolean forward = r.scanIndexForward() == null || r.scanIndexForward();
          NavigableMap<StoreKey, ?> range =
              (idx == null ? t.items.partition(pv) : idx.entries)
                  .subMap(StoreKey.partitionStart(pv), true, StoreKey.partitionEnd(pv), true);
          if (!forward) {
            range = range.descendingMap();
          }
          if (r.hasExclusiveStartKey()) {
            StoreKey esk = StartKeys.forQuery(t, idx, r.exclusiveStartKey(), pv, sc);
            range = range.tailMap(esk, false);
          }
          KeyPathChecks.query(t, idx, ctx);
          Page page =
              read(
                  t,
                  idx,
                  range.entrySet().iterator(),
                  sc,
                  filter,
                  proj,
                  r.limit(),
                  r.select(),
                  r.consistentRead());
          QueryResponse.Builder b =
              QueryResponse.builder()
                  .count(page.count())
                  .scannedCount(page.scanned())
                  .consumedCapacity(page.tally().single(t.name, r.returnConsumedCapacity()));
          if (page.items() != null) {
            PageItems.into(b, page.items());
          }
          if (page.lastKey() != null) {
            b.lastEvaluatedKey(page.lastKey());
          }
          return b.build();
        });
  }

  /**
   * The semantic checks of Segment and TotalSegments, which need no table: DynamoDB makes them
   * before it looks the table up.
   */
  private static void checkSegments(ScanRequest r) {
    if (r.segment() == null && r.totalSegments() == null) {
      return;
    }
    if (r.totalSegments() == null) {
      throw Errors.validation(
          "The TotalSegments parameter is required but was not present in the request when"
              + " Segment parameter is present");
    }
    if (r.segment() == null) {
      throw Errors.validation(
          "The Segment parameter is required but was not present in the request when"
              + " parameter TotalSegments is present");
    }
    int total = r.totalSegments();
    int seg = r.segment();
    if (seg < 0 || seg >= total) {
      throw Errors.validation(
          "The Segment parameter is zero-based and must be less than parameter"
              + " TotalSegments: Segment: "
              + seg
              + " is not less than TotalSegments: "
              + total);
    }
  }

  /**
   * The rules of Select that need no table, in DynamoDB's order: a ProjectionExpression only with
   * SPECIFIC_ATTRIBUTES, ALL_PROJECTED_ATTRIBUTES only with an IndexName (the message says
   * "Querying" on a Scan too, as DynamoDB's does), and SPECIFIC_ATTRIBUTES only with attributes to
   * get. AttributesToGet with another Select is refused with the legacy parameters.
   */
  private static void checkSelect(
      Select select, boolean projectionExpression, boolean attributesToGet, String indexName) {
    if (select == null) {
      return;
    }
    if (projectionExpression && select != Select.SPECIFIC_ATTRIBUTES) {
      throw Errors.validation(
          "Cannot specify the ProjectionExpression when choosing to get "
              + (select == Select.COUNT ? "only the Count" : select.toString()));
    }
    if (select == Select.ALL_PROJECTED_ATTRIBUTES && indexName == null) {
      throw Errors.validation(
          "ALL_PROJECTED_ATTRIBUTES can be used only when Querying using an IndexName");
    }
    if (select == Select.SPECIFIC_ATTRIBUTES && !projectionExpression && !attributesToGet) {
      throw Errors.validation(
          "Must specify the AttributesToGet or ProjectionExpression when choosing to get"
              + " SPECIFIC_ATTRIBUTES");
    }
  }

  /** Scan, including parallel scans with Segment and TotalSegments. */
  public ScanResponse scan(ScanRequest r) {
    return Requests.guard(
        () -> {
          checkSegments(r);
          LegacyParameters.Read legacy = LegacyParameters.scan(r);
          ExpressionContext ctx =
              new ExpressionContext(r.expressionAttributeNames(), r.expressionAttributeValues());
          ConditionExpression filter =
              legacy.filter() != null
                  ? legacy.filter()
                  : Requests.condition(ctx, r.filterExpression(), "FilterExpression");
          ProjectionExpression proj =
              legacy.projection() != null
                  ? legacy.projection()
                  : Requests.projection(ctx, r.projectionExpression());
          ctx.checkAllUsed();
          checkSelect(
              r.select(), r.projectionExpression() != null, r.hasAttributesToGet(), r.indexName());
          // Everything above needs no table: DynamoDB checks it before it looks the table up.
          Table t = catalog.active(r.tableName());
          SecondaryIndex idx = Requests.index(t, r.indexName(), r.consistentRead());
          Requests.checkReadable(idx, clock.millis());
          long fromHash = 0;
          long toHash = StoreKey.HASH_SPACE;
          if (r.segment() != null || r.totalSegments() != null) {
            int total = r.totalSegments();
            int seg = r.segment();
            fromHash = StoreKey.segmentStart(seg, total);
            toHash = seg + 1 == total ? toHash : StoreKey.segmentStart(seg + 1, total);
          }
          StoreKey esk =
              r.hasExclusiveStartKey()
                  ? StartKeys.forScan(t, idx, r.exclusiveStartKey(), r.segment(), r.totalSegments())
                  : null;
          Iterator<? extends Map.Entry<StoreKey, ?>> range;
          if (idx == null) {
            range = t.items.scan(fromHash, toHash, esk);
          } else {
            NavigableMap<StoreKey, ?> entries =
                idx.entries.subMap(
                    StoreKey.hashStart(fromHash), true, StoreKey.hashStart(toHash), false);
            range = (esk == null ? entries : entries.tailMap(esk, false)).entrySet().iterator();
          }
          KeyPathChecks.scan(t, idx, ctx);
          Page page =
              read(t, idx, range, null, filter, proj, r.limit(), r.select(), r.consistentRead());
          ScanResponse.Builder b =
              ScanResponse.builder()
                  .count(page.count())
                  .scannedCount(page.scanned())
                  .consumedCapacity(page.tally().single(t.name, r.returnConsumedCapacity()));
          if (page.items() != null) {
            PageItems.into(b, page.items());
          }
          if (page.lastKey() != null) {
            b.lastEvaluatedKey(page.lastKey());
          }
          return b.build();
        });
  }

  /**
   * One page read.
   *
   * @param bytes what the read counts against the 1 MB page limit and charges to the table or index
   * @param fetchBlocks 4 KB blocks of items an LSI query fetched from the table, each item rounded
   *     up on its own as a GetItem would be
   */
  private record Page(
      List<Map<String, AttributeValue>> items,
      int count,
      int scanned,
      long bytes,
      long fetchBlocks,
      Map<String, AttributeValue> lastKey,
      CapacityTally tally) {}

  /**
   * What Query and Scan share once their range is chosen: admit the read, read one page of it and
   * charge the read capacity its bytes cost to the table or the index read.
   */
  private Page read(
      Table t,
      SecondaryIndex idx,
      Iterator<? extends Map.Entry<StoreKey, ?>> range,
      SortKeyCondition sc,
      ConditionExpression filter,
      ProjectionExpression proj,
      Integer limit,
      Select select,
      Boolean consistentRead) {
    Throughput.checkRead(t, idx);
    Page page = readPage(t, idx, range, sc, filter, proj, limit, select);
    boolean consistent = Boolean.TRUE.equals(consistentRead);
    CapacityTally tally = CapacityTally.reads();
    double units = CapacityTally.readUnits(page.bytes, consistent);
    if (idx == null) {
      tally.table(t.name, units);
    } else {
      tally.index(t.name, idx.name, idx.global, units);
    }
    if (page.fetchBlocks > 0) {
      tally.table(t.name, consistent ? page.fetchBlocks : page.fetchBlocks / 2.0);
    }
    Throughput.charge(tally, true, t);
    return new Page(
        page.items, page.count, page.scanned, page.bytes, page.fetchBlocks, page.lastKey, tally);
  }

  private Page readPage(
      Table t,
      SecondaryIndex idx,
      Iterator<? extends Map.Entry<StoreKey, ?>> range,
      SortKeyCondition sc,
      ConditionExpression filter,
      ProjectionExpression proj,
      Integer limit,
      Select select) {
    if (select == Select.ALL_ATTRIBUTES
        && idx != null
        && idx.projectionType != ProjectionType.ALL
        && !idx.global) {
      // LSIs fetch missing attributes from the table, as DynamoDB does.
    } else if (select == Select.ALL_ATTRIBUTES
        && idx != null
        && idx.projectionType != ProjectionType.ALL) {
      throw Errors.validation(
          "One or more parameter values were invalid: Select type ALL_ATTRIBUTES is not supported"
              + " for global secondary index "
              + idx.name
              + " because its projection type is not ALL");
    }
    boolean countOnly = select == Select.COUNT;
    String sk = idx == null ? t.sortKey : idx.sortKey;
    List<Map<String, AttributeValue>> out = countOnly ? null : new ArrayList<>();
    int count = 0;
    int scanned = 0;
    long bytes = 0;
    long fetchBlocks = 0;
    boolean fetches =
        idx != null
            && !idx.global
            && select == Select.ALL_ATTRIBUTES
            && idx.projectionType != ProjectionType.ALL;
    Map<String, AttributeValue> lastKey = null;
    Map<String, AttributeValue> previousItem = null;
    var it = range;
    while (it.hasNext()) {
      var e = it.next();
      // The table's own map holds versions; an index maps to the table's key.
      Version version = idx == null ? (Version) e.getValue() : t.items.get((StoreKey) e.getValue());
      Map<String, AttributeValue> item = version == null ? null : version.image();
      if (item == null) {
        continue;
      }
      if (sc != null && !sc.matches(item.get(sk))) {
        continue;
      }
      Map<String, AttributeValue> visible =
          idx == null || (select == Select.ALL_ATTRIBUTES && !idx.global)
              ? item
              : idx.project(item, t.keyNames);
      long size =
          fetches
              ? ItemSizes.size(idx.project(item, t.keyNames))
              : visible == item ? version.size : ItemSizes.size(visible);
      if (scanned > 0 && bytes + size > MAX_PAGE_BYTES) {
        lastKey = Requests.keyAttributes(t, idx, previousItem);
        break;
      }
      scanned++;
      bytes += size;
      if (fetches) {
        fetchBlocks += Math.max(1, (version.size + 4095) / 4096);
      }
      previousItem = item;
      if (filter == null || filter.test(visible)) {
        count++;
        if (!countOnly) {
          out.add(proj == null ? visible : proj.apply(visible));
        }
      }
      if (limit != null && scanned >= limit) {
        // DynamoDB answers a LastEvaluatedKey whenever Limit stopped the read, even at the end.
        lastKey = Requests.keyAttributes(t, idx, item);
        break;
      }
      if (bytes >= MAX_PAGE_BYTES && it.hasNext()) {
        lastKey = Requests.keyAttributes(t, idx, item);
        break;
      }
    }
    return new Page(out, count, scanned, bytes, fetchBlocks, lastKey, null);
  }
}
