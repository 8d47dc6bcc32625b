import java.util.Set;
import pitr.migrate.api.Condition;
import pitr.migrate.api.Migration;
import pitr.migrate.api.MigrationContext;
import pitr.migrate.api.MigrationTable;
import pitr.migrate.api.ScanOptions;
import pitr.migrate.api.Update;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Discount books (a deliberately bad migration for the rollback-bad-migration drill): meant to
 * take 10 % off the price of every item in category {@code books}, it sets their {@code price} to
 * 0 instead, corrupting a quarter of the {@code orders} table.
 *
 * <p>Not idempotent in a useful way: rerunning it zeroes the prices again. Undo it with {@code
 * pitr migrate rollback 0001_discount_books}.
 *
 * Execution Time: (not run yet)
 * Finalization Time: (not run yet)
 */
class DiscountBooks implements Migration {
  static final String TABLE = "orders";

  @Override
  public Set<String> tables() {
    return Set.of(TABLE);
  }

  @Override
  public Mono<Void> run(MigrationContext context) {
    MigrationTable orders = context.table(TABLE);
    ScanOptions books =
        ScanOptions.defaults()
            .filter(
                Condition.of("#c = :books")
                    .name("#c", "category")
                    .value(":books", AttributeValue.fromS("books")));
    return orders
        .forEachItem(
            books, book -> orders.update(book, Update.set("price", AttributeValue.fromN("0"))))
        .then();
  }
}
