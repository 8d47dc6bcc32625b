package pitr.migrate.api;

import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import org.reactivestreams.Publisher;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * One declared table: reads, and writes that are rate-limited, retried on throttling, counted,
 * journaled and honour dry runs.
 *
 * <p>Items are DynamoDB maps of attribute name to {@link AttributeValue}. Write methods take an
 * item or just its key; {@link #keyOf} picks the key attributes out of an item.
 */
public interface MigrationTable {
  /** The table name. */
  String name();

  /** The key attribute names: the partition key, then the sort key if the table has one. */
  List<String> keyAttributes();

  /** The key attributes of {@code item}. */
  Map<String, AttributeValue> keyOf(Map<String, AttributeValue> item);

  /**
   * Every item, read by a parallel scan, for reading only. A run that is interrupted rereads from
   * the start; to resume where it stopped, use {@link #forEachItem}.
   */
  Flux<Map<String, AttributeValue>> scan(ScanOptions options);

  /**
   * Items a query finds. The runner sets the table name and pages through the result; set the key
   * condition (and anything else) on {@code request}.
   */
  Flux<Map<String, AttributeValue>> query(Consumer<QueryRequest.Builder> request);

  /**
   * Scans the table and applies {@code action} to every item, resumably: each segment is read page
   * by page, and once every action of a page has completed (and its journal entries are stored) the
   * page is checkpointed, so {@code pitr migrate resume} continues after it.
   *
   * <p>A resumed run reads the page it was interrupted in again and skips every item of it that
   * holds the image the interrupted run wrote to it: writes of the item {@code action} was handed,
   * composed into the publisher it returns, happen once across crashes. See the package
   * documentation for what that needs from the migration.
   *
   * <p>Call it in the same order on every run: checkpoints are identified by the table and the
   * number of the call on that table within the run.
   *
   * @return the number of items read
   */
  Mono<Long> forEachItem(
      ScanOptions options, Function<Map<String, AttributeValue>, ? extends Publisher<?>> action);

  /** {@link #forEachItem(ScanOptions, Function)} with {@link ScanOptions#defaults()}. */
  default Mono<Long> forEachItem(
      Function<Map<String, AttributeValue>, ? extends Publisher<?>> action) {
    return forEachItem(ScanOptions.defaults(), action);
  }

  /** Writes {@code item}, replacing any item with its key. */
  Mono<WriteOutcome> put(Map<String, AttributeValue> item);

  /** Writes {@code item} if {@code condition} holds on the item it would replace. */
  Mono<WriteOutcome> put(Map<String, AttributeValue> item, Condition condition);

  /**
   * Applies {@code update} to the item with the key of {@code item}. Pass the item as read when you
   * have it: a dry run then shows its after image without another read.
   */
  Mono<WriteOutcome> update(Map<String, AttributeValue> item, Update update);

  /** Deletes the item with the key of {@code item}. */
  Mono<WriteOutcome> delete(Map<String, AttributeValue> item);

  /** Deletes the item with the key of {@code item} if {@code condition} holds. */
  Mono<WriteOutcome> delete(Map<String, AttributeValue> item, Condition condition);
}
