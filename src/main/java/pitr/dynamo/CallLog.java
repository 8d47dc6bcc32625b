package pitr.dynamo;

import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;
import reactor.util.retry.Retry;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.SdkResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchGetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.ConsumedCapacity;
import software.amazon.awssdk.services.dynamodb.model.DeleteItemResponse;
import software.amazon.awssdk.services.dynamodb.model.GetItemResponse;
import software.amazon.awssdk.services.dynamodb.model.PutItemResponse;
import software.amazon.awssdk.services.dynamodb.model.QueryResponse;
import software.amazon.awssdk.services.dynamodb.model.ScanResponse;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsResponse;
import software.amazon.awssdk.services.dynamodb.model.UpdateItemResponse;

/**
 * One debug line per DynamoDB call the gateway makes ({@code pitr --verbose}): operation, table,
 * latency, consumed capacity when the call asked for it, unprocessed items of a batch, and the
 * error of a failed call; one line per retry the gateway schedules. Never an item, a key, a request
 * body or a credential: the line is built from the operation's name, the table's and numbers.
 */
final class CallLog {
  static final Logger log = LoggerFactory.getLogger("pitr.dynamo.calls");

  private CallLog() {}

  /** {@code call}, timed and logged once it completes, each time it is subscribed (retried). */
  static <T> Mono<T> logged(String table, Mono<T> call) {
    if (!log.isDebugEnabled()) {
      return call;
    }
    return Mono.defer(
        () -> {
          long start = System.nanoTime();
          return call.doOnEach(
              signal -> {
                long ms = (System.nanoTime() - start) / 1_000_000;
                if (signal.isOnNext()) {
                  log.debug(success(table, signal.get(), ms));
                } else if (signal.isOnError()) {
                  log.debug(failure(table, signal.getThrowable(), ms));
                }
              });
        });
  }

  /** A retry the gateway is about to make. */
  static void retry(Retry.RetrySignal signal) {
    if (log.isDebugEnabled()) {
      log.debug(
          "dynamodb retry attempt={} after={}",
          signal.totalRetries() + 1,
          errorName(signal.failure()));
    }
  }

  static String success(String table, Object response, long ms) {
    StringBuilder b =
        new StringBuilder("dynamodb op=")
            .append(operation(response))
            .append(" table=")
            .append(table)
            .append(" latency_ms=")
            .append(ms);
    ConsumedCapacity single = single(response);
    List<ConsumedCapacity> many = single != null ? List.of(single) : many(response);
    if (many != null && !many.isEmpty()) {
      double units = 0;
      for (ConsumedCapacity c : many) {
        units += c.capacityUnits() == null ? 0 : c.capacityUnits();
      }
      b.append(String.format(Locale.ROOT, " consumed_units=%.1f", units));
    }
    if (response instanceof BatchWriteItemResponse r && r.hasUnprocessedItems()) {
      b.append(" unprocessed=")
          .append(r.unprocessedItems().values().stream().mapToInt(List::size).sum());
    }
    if (response instanceof ScanResponse r) {
      b.append(" items=").append(r.count());
    }
    if (response instanceof QueryResponse r) {
      b.append(" items=").append(r.count());
    }
    return b.toString();
  }

  static String failure(String table, Throwable e, long ms) {
    return "dynamodb call table=" + table + " latency_ms=" + ms + " failed=" + errorName(e);
  }

  private static String errorName(Throwable e) {
    if (e instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      return aws.awsErrorDetails().errorCode() + " status=" + aws.statusCode();
    }
    return e.getClass().getSimpleName();
  }

  private static String operation(Object response) {
    String name = response instanceof SdkResponse ? response.getClass().getSimpleName() : "?";
    return name.endsWith("Response")
        ? name.substring(0, name.length() - "Response".length())
        : name;
  }

  private static ConsumedCapacity single(Object r) {
    if (r instanceof PutItemResponse p) {
      return p.consumedCapacity();
    }
    if (r instanceof UpdateItemResponse u) {
      return u.consumedCapacity();
    }
    if (r instanceof DeleteItemResponse d) {
      return d.consumedCapacity();
    }
    if (r instanceof GetItemResponse g) {
      return g.consumedCapacity();
    }
    if (r instanceof ScanResponse s) {
      return s.consumedCapacity();
    }
    if (r instanceof QueryResponse q) {
      return q.consumedCapacity();
    }
    return null;
  }

  private static List<ConsumedCapacity> many(Object r) {
    if (r instanceof BatchWriteItemResponse b && b.hasConsumedCapacity()) {
      return b.consumedCapacity();
    }
    if (r instanceof BatchGetItemResponse b && b.hasConsumedCapacity()) {
      return b.consumedCapacity();
    }
    if (r instanceof TransactWriteItemsResponse t && t.hasConsumedCapacity()) {
      return t.consumedCapacity();
    }
    return null;
  }
}
