import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Set;
import pitr.migrate.api.Condition;
import pitr.migrate.api.Migration;
import pitr.migrate.api.MigrationContext;
import pitr.migrate.api.MigrationTable;
import pitr.migrate.api.Update;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Cars get a price: every car gets a derived {@code price}, its {@code msrp} depreciated by 15 %
 * per year of age since {@code year} (as of model year 2026), rounded to whole currency units.
 *
 * <p>Idempotent: a car that already has a price is left alone (the condition fails and is
 * counted); a car without an msrp is skipped and counted as {@code skipped.no-msrp}.
 *
 * Execution Time: (not run yet)
 * Finalization Time: (not run yet)
 */
class CarsGetAPrice implements Migration {
  static final String TABLE = "cars";
  static final int REFERENCE_YEAR = 2026;
  static final BigDecimal KEEP_PER_YEAR = new BigDecimal("0.85");

  @Override
  public Set<String> tables() {
    return Set.of(TABLE);
  }

  @Override
  public Mono<Void> run(MigrationContext context) {
    MigrationTable cars = context.table(TABLE);
    return cars.forEachItem(
            car -> {
              if (!car.containsKey("msrp") || !car.containsKey("year")) {
                context.metrics().increment("skipped.no-msrp");
                return Mono.empty();
              }
              return cars.update(
                  car,
                  Update.set("price", AttributeValue.fromN(price(car).toPlainString()))
                      .when(Condition.attributeNotExists("price")));
            })
        .doOnNext(n -> context.log().info("priced cars", "read", n))
        .then();
  }

  static BigDecimal price(Map<String, AttributeValue> car) {
    BigDecimal msrp = new BigDecimal(car.get("msrp").n());
    int age = Math.max(0, REFERENCE_YEAR - Integer.parseInt(car.get("year").n()));
    return msrp.multiply(KEEP_PER_YEAR.pow(age)).setScale(0, RoundingMode.HALF_UP);
  }
}
