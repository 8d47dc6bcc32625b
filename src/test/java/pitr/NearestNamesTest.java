package pitr;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class NearestNamesTest {
  private static final List<String> TABLES = List.of("orders", "order-items", "drop", "cars");

  @Test
  void of_suggestsNamesAFewEditsAway_nearestFirst_ignoringCase() {
    assertThat(NearestNames.of("Ordrs", TABLES, 3, n -> n)).containsExactly("orders");
    assertThat(NearestNames.of("order_item", TABLES, 3, n -> n))
        .containsExactly("order-items", "orders");
    assertThat(NearestNames.of("order_item", TABLES, 1, n -> n)).containsExactly("order-items");
  }

  @Test
  void of_suggestsNothingForAShortNameThatMatchesNothing() {
    assertThat(NearestNames.of("demo", TABLES, 3, n -> n)).isEmpty();
    assertThat(NearestNames.of("x", TABLES, 3, n -> n)).isEmpty();
  }

  @Test
  void of_scoresANameByItsAliasToo() {
    List<String> migrations = List.of("0001_cars_get_a_price", "0002_remove_root_url");

    assertThat(NearestNames.of("cars_get_price", migrations, 3, n -> n.substring(5)))
        .containsExactly("0001_cars_get_a_price");
  }

  @Test
  void distance_countsInsertionsDeletionsAndSubstitutions() {
    assertThat(NearestNames.distance("kitten", "sitting")).isEqualTo(3);
    assertThat(NearestNames.distance("", "abc")).isEqualTo(3);
    assertThat(NearestNames.distance("same", "same")).isZero();
  }
}
