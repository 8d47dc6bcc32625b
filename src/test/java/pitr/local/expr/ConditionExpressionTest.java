package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.expr.ConditionFixture.ITEM;
import static pitr.local.expr.ConditionFixture.assertRejected;
import static pitr.local.expr.ConditionFixture.test;
import static pitr.local.expr.ConditionFixture.values;
import static pitr.local.expr.Values.b;
import static pitr.local.expr.Values.bool;
import static pitr.local.expr.Values.item;
import static pitr.local.expr.Values.l;
import static pitr.local.expr.Values.m;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.ns;
import static pitr.local.expr.Values.nul;
import static pitr.local.expr.Values.s;
import static pitr.local.expr.Values.ss;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/** Condition expressions: comparisons, BETWEEN, IN, logic, precedence and paths. */
class ConditionExpressionTest {
  @ParameterizedTest(name = "{0} -> {2}")
  @CsvSource({
    "age = :v, 42, true",
    "age = :v, 42.0, true",
    "age = :v, 41, false",
    "age <> :v, 41, true",
    "age <> :v, 42, false",
    "age < :v, 100, true",
    "age < :v, 42, false",
    "age <= :v, 42, true",
    "age <= :v, 41, false",
    "age > :v, 9, true",
    "age > :v, 42, false",
    "age >= :v, 42, true",
    "age >= :v, 43, false",
    "score = :v, 7.5, true",
    "score > :v, 7.49, true",
    ":v < age, 5, true",
    ":v > age, 5, false"
  })
  void compare_whenNumbers_comparesByValue(String expression, String value, boolean expected) {
    assertThat(test(expression, values(":v", n(value)))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0} {1} -> {2}")
  @CsvSource({
    "title = :v, Ada, true",
    "title < :v, Ade, true",
    "title < :v, ADA, false",
    "title > :v, AD, true",
    "title >= :v, Ada, true",
    "title <> :v, ada, true"
  })
  void compare_whenStrings_comparesByUtf8Bytes(String expression, String value, boolean expected) {
    assertThat(test(expression, values(":v", s(value)))).isEqualTo(expected);
  }

  @Test
  void compare_whenBinaries_comparesUnsignedBytes() {
    assertThat(test("payload = :v", values(":v", b("hello")))).isTrue();
    assertThat(test("payload > :v", values(":v", b("hell")))).isTrue();
    assertThat(test("payload < :v", values(":v", b("help")))).isTrue();
  }

  @Test
  void compare_whenTypesDiffer_isFalseButNotEqualIsTrue() {
    assertThat(test("age = :v", values(":v", s("42")))).isFalse();
    assertThat(test("age <> :v", values(":v", s("42")))).isTrue();
    assertThat(test("age < :v", values(":v", s("99")))).isFalse();
    assertThat(test("age >= :v", values(":v", s("1")))).isFalse();
  }

  @Test
  void compare_whenAttributeMissing_onlyNotEqualHolds() {
    Map<String, AttributeValue> v = values(":v", n(1));
    assertThat(test("absent = :v", v)).isFalse();
    assertThat(test("absent <> :v", v)).isTrue();
    assertThat(test("absent < :v", v)).isFalse();
    assertThat(test("absent >= :v", v)).isFalse();
  }

  @Test
  void compare_whenTypeNotOrderable_orderingIsFalse() {
    assertThat(test("tags < :v", values(":v", ss("z")))).isFalse();
    assertThat(test("active > :v", values(":v", bool(false)))).isFalse();
    assertThat(test("entries >= :v", values(":v", l(s("x"))))).isFalse();
  }

  @Test
  void compare_whenSetsOrDocuments_usesDeepEquality() {
    assertThat(test("tags = :v", values(":v", ss("blue", "red")))).isTrue();
    assertThat(test("lucky = :v", values(":v", ns("7.0", "3")))).isTrue();
    assertThat(test("entries = :v", values(":v", l(s("x"), n("1.0"), m("k", s("v")))))).isTrue();
    assertThat(test("profile.address = :v", values(":v", m("zip", s("75001"), "city", s("Paris")))))
        .isTrue();
    assertThat(test("active = :v", values(":v", bool(true)))).isTrue();
    assertThat(test("nothing = :v", values(":v", nul()))).isTrue();
  }

  @Test
  void compare_whenBothSidesArePaths_readsBoth() {
    Map<String, AttributeValue> item = item("a", n(1), "b", n(2));
    ConditionExpression c = new ExpressionContext(null, null).condition("a < b");
    assertThat(c.test(item)).isTrue();
  }

  @Test
  void between_includesBothBounds() {
    assertThat(test("age BETWEEN :lo AND :hi", values(":lo", n(42), ":hi", n(50)))).isTrue();
    assertThat(test("age BETWEEN :lo AND :hi", values(":lo", n(1), ":hi", n(42)))).isTrue();
    assertThat(test("age BETWEEN :lo AND :hi", values(":lo", n(43), ":hi", n(50)))).isFalse();
    assertThat(test("title between :lo and :hi", values(":lo", s("A"), ":hi", s("B")))).isTrue();
  }

  @Test
  void between_whenTypesDiffer_isFalse() {
    assertThat(test("age BETWEEN :lo AND :hi", values(":lo", s("1"), ":hi", s("9")))).isFalse();
    assertThat(test("absent BETWEEN :lo AND :hi", values(":lo", n(1), ":hi", n(9)))).isFalse();
  }

  @Test
  void between_whenLowerBoundAboveUpper_isRejected() {
    assertRejected(
        "age BETWEEN :lo AND :hi",
        values(":lo", n(5), ":hi", n(1)),
        "Invalid ConditionExpression: The BETWEEN operator requires upper bound to be greater than"
            + " or equal to lower bound; lower bound operand: AttributeValue: {N:5}, upper bound"
            + " operand: AttributeValue: {N:1}");
  }

  @Test
  void between_whenBoundsHaveDifferentTypes_isRejected() {
    assertRejected(
        "age BETWEEN :lo AND :hi",
        values(":lo", s("1"), ":hi", n(9)),
        "Invalid ConditionExpression: The BETWEEN operator requires same data type for lower and"
            + " upper bounds; lower bound operand: AttributeValue: {S:1}, upper bound operand:"
            + " AttributeValue: {N:9}");
  }

  @Test
  void in_matchesAnyCandidate() {
    assertThat(test("age IN (:a, :b)", values(":a", n(1), ":b", n("42.0")))).isTrue();
    assertThat(test("age in (:a, :b)", values(":a", n(1), ":b", s("42")))).isFalse();
    assertThat(test("absent IN (:a)", values(":a", n(1)))).isFalse();
  }

  @Test
  void in_whenHundredOperands_isAccepted() {
    assertThat(test(inExpression(100), inValues(100))).isFalse();
  }

  @Test
  void in_whenMoreThanHundredOperands_isRejected() {
    assertRejected(
        inExpression(101),
        inValues(101),
        "Invalid ConditionExpression: The IN operator is provided with too many operands; number"
            + " of operands: 101");
  }

  private static String inExpression(int count) {
    List<String> names = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      names.add(":v" + i);
    }
    return "age IN (" + String.join(", ", names) + ")";
  }

  private static Map<String, AttributeValue> inValues(int count) {
    Map<String, AttributeValue> values = new HashMap<>();
    for (int i = 0; i < count; i++) {
      values.put(":v" + i, n(1000 + i));
    }
    return values;
  }

  @Test
  void logic_andOrNot_combine() {
    Map<String, AttributeValue> v = values(":t", bool(true), ":f", bool(false));
    assertThat(test("active = :t AND active <> :f", v)).isTrue();
    assertThat(test("active = :t AND active = :f", v)).isFalse();
    assertThat(test("active = :f OR active = :t", v)).isTrue();
    assertThat(test("active = :f OR active <> :t", v)).isFalse();
    assertThat(test("NOT active = :f", v)).isTrue();
    assertThat(test("NOT NOT active = :f", v)).isFalse();
  }

  @Test
  void precedence_andBindsTighterThanOr() {
    Map<String, AttributeValue> v = values(":t", bool(true), ":f", bool(false));
    // true OR (false AND false) is true; (true OR false) AND false would be false.
    assertThat(test("active = :t OR active = :f AND active = :f", v)).isTrue();
    assertThat(test("(active = :t OR active = :f) AND active = :f", v)).isFalse();
  }

  @Test
  void precedence_notBindsTighterThanAnd() {
    Map<String, AttributeValue> v = values(":t", bool(true), ":f", bool(false));
    // (NOT false) AND false is false; NOT (false AND false) would be true.
    assertThat(test("NOT active = :f AND active = :f", v)).isFalse();
    assertThat(test("NOT (active = :f AND active = :f)", v)).isTrue();
  }

  @Test
  void precedence_betweenTakesItsOwnAnd() {
    Map<String, AttributeValue> v = values(":a", n(1), ":b", n(50), ":t", s("Ada"));
    assertThat(test("age BETWEEN :a AND :b AND title = :t", v)).isTrue();
    assertThat(test("title = :t AND age BETWEEN :b AND :b", v)).isFalse();
    assertThat(test("age BETWEEN :a AND :b OR title = :t AND age = :a", v)).isTrue();
  }

  @Test
  void keywords_areCaseInsensitive() {
    Map<String, AttributeValue> v = values(":a", n(1), ":b", n(100));
    assertThat(test("age between :a and :b And not age In (:a) oR age = :a", v)).isTrue();
  }

  @Test
  void compare_whenBothOperandsAreTheSamePath_isRejected() {
    assertRejected(
        "profile.address = profile.address",
        null,
        "Invalid ConditionExpression: The first operand must be distinct from the remaining"
            + " operands for this operator or function; operator: =, first operand: [profile,"
            + " address]");
  }

  @Test
  void paths_acceptNamePlaceholdersAnywhere() {
    Map<String, String> names = new LinkedHashMap<>();
    names.put("#p", "profile");
    names.put("#a", "address");
    names.put("#ph", "phones");
    assertThat(test("#p.#a.city = :v", names, values(":v", s("Paris")))).isTrue();
    assertThat(test("profile.#a.zip = :v", names, values(":v", s("75001")))).isTrue();
    assertThat(test("#p.#ph[0] = :v", names, values(":v", s("111")))).isTrue();
  }

  @Test
  void paths_readListElementsAndNestedMaps() {
    assertThat(test("entries[2].k = :v", values(":v", s("v")))).isTrue();
    assertThat(test("entries[0] = :v", values(":v", s("x")))).isTrue();
    assertThat(test("entries[0].k = :v", values(":v", s("x")))).isFalse();
    assertThat(test("profile[0] = :v", values(":v", s("x")))).isFalse();
  }

  @Test
  void test_neverModifiesTheItem() {
    Map<String, AttributeValue> before = new LinkedHashMap<>(ITEM);
    test("size(entries) > :v AND contains(tags, :s)", values(":v", n(1), ":s", s("red")));
    assertThat(ITEM).isEqualTo(before);
  }
}
