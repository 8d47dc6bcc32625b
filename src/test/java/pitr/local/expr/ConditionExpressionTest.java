package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.Values.b;
import static pitr.local.expr.Values.bool;
import static pitr.local.expr.Values.bs;
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

class ConditionExpressionTest {

  private static final Map<String, AttributeValue> ITEM =
      item(
          "id", s("user#1"),
          "age", n("42"),
          "score", n("7.50"),
          "title", s("Ada"),
          "payload", b("hello"),
          "active", bool(true),
          "nothing", nul(),
          "tags", ss("red", "blue"),
          "lucky", ns("3", "7"),
          "chunks", bs("ab", "cd"),
          "entries", l(s("x"), n("1"), m("k", s("v"))),
          "profile",
              m(
                  "address",
                  m("city", s("Paris"), "zip", s("75001")),
                  "phones",
                  l(s("111"), s("222"))),
          "unicode", s("é𝄞"));

  private static Map<String, AttributeValue> values(Object... keysAndValues) {
    return item(keysAndValues);
  }

  private static boolean test(String expression, Map<String, AttributeValue> values) {
    return new ExpressionContext(null, values).condition(expression).test(ITEM);
  }

  private static boolean test(
      String expression, Map<String, String> names, Map<String, AttributeValue> values) {
    return new ExpressionContext(names, values).condition(expression).test(ITEM);
  }

  private static void assertRejected(
      String expression, Map<String, AttributeValue> values, String message) {
    assertThatThrownBy(() -> new ExpressionContext(null, values).condition(expression))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(message);
  }

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
  void attributeExists_followsNestedPaths() {
    assertThat(test("attribute_exists(profile.address.city)", null)).isTrue();
    assertThat(test("attribute_exists(profile.phones[1])", null)).isTrue();
    assertThat(test("attribute_exists(profile.phones[2])", null)).isFalse();
    assertThat(test("attribute_exists(profile.address.country)", null)).isFalse();
    assertThat(test("attribute_exists(title.initial)", null)).isFalse();
    assertThat(test("attribute_not_exists(absent)", null)).isTrue();
    assertThat(test("attribute_not_exists(age)", null)).isFalse();
  }

  @Test
  void attributeExists_whenItemDoesNotExist_isFalse() {
    ConditionExpression c = new ExpressionContext(null, null).condition("attribute_exists(id)");
    assertThat(c.test(Map.of())).isFalse();
  }

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "id, S",
    "age, N",
    "payload, B",
    "active, BOOL",
    "nothing, NULL",
    "tags, SS",
    "lucky, NS",
    "chunks, BS",
    "entries, L",
    "profile, M"
  })
  void attributeType_matchesEachType(String attribute, String type) {
    assertThat(test("attribute_type(" + attribute + ", :t)", values(":t", s(type)))).isTrue();
    String other = type.equals("S") ? "N" : "S";
    assertThat(test("attribute_type(" + attribute + ", :t)", values(":t", s(other)))).isFalse();
  }

  @Test
  void attributeType_whenTypeNameUnknown_isRejected() {
    assertRejected(
        "attribute_type(age, :t)",
        values(":t", s("NUMBER")),
        "Invalid ConditionExpression: Invalid attribute type name found; type: NUMBER, valid"
            + " types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
  }

  @Test
  void attributeType_whenTypeOperandNotString_isRejected() {
    assertRejected(
        "attribute_type(age, :t)",
        values(":t", n(1)),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or"
            + " function: attribute_type, operand type: N");
  }

  @Test
  void beginsWith_onStringsAndBinaries() {
    assertThat(test("begins_with(id, :p)", values(":p", s("user#")))).isTrue();
    assertThat(test("begins_with(id, :p)", values(":p", s("User#")))).isFalse();
    assertThat(test("begins_with(payload, :p)", values(":p", b("he")))).isTrue();
    assertThat(test("begins_with(payload, :p)", values(":p", b("lo")))).isFalse();
    assertThat(test("begins_with(age, :p)", values(":p", s("4")))).isFalse();
    assertThat(test("begins_with(absent, :p)", values(":p", s("")))).isFalse();
  }

  @Test
  void beginsWith_whenOperandIsNumber_isRejected() {
    assertRejected(
        "begins_with(id, :p)",
        values(":p", n(1)),
        "Invalid ConditionExpression: Incorrect operand type for operator or function; operator or"
            + " function: begins_with, operand type: N");
  }

  @Test
  void contains_onStringsSetsAndLists() {
    assertThat(test("contains(title, :v)", values(":v", s("d")))).isTrue();
    assertThat(test("contains(title, :v)", values(":v", s("z")))).isFalse();
    assertThat(test("contains(tags, :v)", values(":v", s("red")))).isTrue();
    assertThat(test("contains(tags, :v)", values(":v", s("re")))).isFalse();
    assertThat(test("contains(lucky, :v)", values(":v", n("7.00")))).isTrue();
    assertThat(test("contains(lucky, :v)", values(":v", s("7")))).isFalse();
    assertThat(test("contains(chunks, :v)", values(":v", b("cd")))).isTrue();
    assertThat(test("contains(entries, :v)", values(":v", n("1.0")))).isTrue();
    assertThat(test("contains(entries, :v)", values(":v", m("k", s("v"))))).isTrue();
    assertThat(test("contains(entries, :v)", values(":v", s("y")))).isFalse();
    assertThat(test("contains(age, :v)", values(":v", n(4)))).isFalse();
    assertThat(test("contains(absent, :v)", values(":v", s("a")))).isFalse();
  }

  @Test
  void contains_whenBothOperandsAreTheSamePath_isRejected() {
    assertRejected(
        "contains(tags, tags)",
        null,
        "Invalid ConditionExpression: The first operand must be distinct from the remaining"
            + " operands for this operator or function; operator: contains, first operand: [tags]");
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
  void size_countsEachTypeAsDynamoDbDoes() {
    assertThat(test("size(title) = :v", values(":v", n(3)))).isTrue();
    // UTF-16 code units: é is one, the musical G clef a surrogate pair.
    assertThat(test("size(unicode) = :v", values(":v", n(3)))).isTrue();
    assertThat(test("size(payload) = :v", values(":v", n(5)))).isTrue();
    assertThat(test("size(tags) = :v", values(":v", n(2)))).isTrue();
    assertThat(test("size(lucky) = :v", values(":v", n(2)))).isTrue();
    assertThat(test("size(chunks) = :v", values(":v", n(2)))).isTrue();
    assertThat(test("size(entries) = :v", values(":v", n(3)))).isTrue();
    assertThat(test("size(profile) = :v", values(":v", n(2)))).isTrue();
    assertThat(test("size(profile.phones) = :v", values(":v", n(2)))).isTrue();
  }

  @Test
  void size_whenNumberOrMissing_comparesFalse() {
    assertThat(test("size(age) >= :v", values(":v", n(0)))).isFalse();
    assertThat(test("size(absent) >= :v", values(":v", n(0)))).isFalse();
  }

  @Test
  void size_isUsableAsAnyOperand() {
    assertThat(test(":v < size(entries)", values(":v", n(2)))).isTrue();
    assertThat(test("size(entries) BETWEEN :a AND :b", values(":a", n(3), ":b", n(4)))).isTrue();
    assertThat(test("size(entries) IN (:a, :b)", values(":a", n(1), ":b", n(3)))).isTrue();
    assertThat(test("size(tags) < size(entries)", null)).isTrue();
  }

  @Test
  void size_whenGivenValue_isRejected() {
    assertRejected(
        "size(:v) = :v",
        values(":v", s("x")),
        "Invalid ConditionExpression: Operator or function requires a document path; operator or"
            + " function: size");
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
  void placeholder_mayNameReservedWord() {
    assertThat(test("#s = :v", Map.of("#s", "title"), values(":v", s("Ada")))).isTrue();
  }

  @Test
  void reservedWord_asBareName_isRejected() {
    assertRejected(
        "status = :v",
        values(":v", s("x")),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword:"
            + " status");
  }

  @Test
  void reservedWord_insideNestedPath_isRejected() {
    assertRejected(
        "profile.Data = :v",
        values(":v", s("x")),
        "Invalid ConditionExpression: Attribute name is a reserved keyword; reserved keyword:"
            + " Data");
  }

  @Test
  void syntaxError_quotesTokenAndNeighbours() {
    assertRejected(
        "a-b", null, "Invalid ConditionExpression: Syntax error; token: \"-\", near: \"a-b\"");
    assertRejected(
        "a = = :v",
        values(":v", n(1)),
        "Invalid ConditionExpression: Syntax error; token: \"=\", near: \"= = :v\"");
    assertRejected(
        "()", null, "Invalid ConditionExpression: Syntax error; token: \")\", near: \"()\"");
  }

  @Test
  void syntaxError_atEnd_namesEof() {
    assertThatThrownBy(
            () ->
                new ExpressionContext(Map.of("#h", "active"), null)
                    .condition("attribute_exists(id) AND NOT #h"))
        .hasMessage("Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"#h\"");
    assertRejected(
        "age = :v AND",
        values(":v", n(1)),
        "Invalid ConditionExpression: Syntax error; token: \"<EOF>\", near: \"AND\"");
  }

  @Test
  void syntaxError_whenIllegalCharacter_quotesIt() {
    assertRejected(
        "age = :v ; age = :v",
        values(":v", n(1)),
        "Invalid ConditionExpression: Syntax error; token: \";\", near: \":v ; age\"");
  }

  @Test
  void syntaxError_whenKeywordUsedAsOperand_quotesIt() {
    assertRejected(
        "age = AND",
        null,
        "Invalid ConditionExpression: Syntax error; token: \"AND\", near: \"= AND\"");
  }

  @Test
  void expression_whenLongerThan4096Bytes_isRejected() {
    String padded = "age = :v" + " ".repeat(4089);
    assertThat(test(padded.substring(0, 4096), values(":v", n(42)))).isTrue();
    assertRejected(
        padded,
        values(":v", n(42)),
        "Invalid ConditionExpression: Expression size has exceeded the maximum allowed size;"
            + " expression size: 4097");
  }

  @Test
  void expression_whenMoreThan300Operators_isRejected() {
    assertThat(test("NOT ".repeat(299) + "age = :v", values(":v", n(42)))).isFalse();
    assertRejected(
        "NOT ".repeat(300) + "age = :v",
        values(":v", n(42)),
        "Invalid ConditionExpression: The expression contains too many operators; operator"
            + " count: 301");
  }

  @Test
  void emptyExpression_isRejected() {
    assertRejected("", null, "Invalid ConditionExpression: The expression can not be empty;");
    assertRejected("   ", null, "Invalid ConditionExpression: The expression can not be empty;");
  }

  @Test
  void filterKind_isNamedInMessages() {
    assertThatThrownBy(() -> new ExpressionContext(null, null).condition("", "FilterExpression"))
        .isInstanceOf(ExpressionException.class)
        .hasMessage("Invalid FilterExpression: The expression can not be empty;");
    assertThatThrownBy(() -> new ExpressionContext(null, null).condition("a-b", "FilterExpression"))
        .hasMessage("Invalid FilterExpression: Syntax error; token: \"-\", near: \"a-b\"");
  }

  @Test
  void parentheses_aroundConditions_areAccepted() {
    Map<String, AttributeValue> v = values(":v", n(42));
    assertThat(test("(age = :v)", v)).isTrue();
    assertThat(test("((age = :v) AND (age = :v))", v)).isTrue();
    assertThat(test("((age = :v AND age = :v) AND age = :v)", v)).isTrue();
  }

  @Test
  void parentheses_whenDoubled_areRejectedAsRedundant() {
    assertRejected(
        "((age = :v))",
        values(":v", n(1)),
        "Invalid ConditionExpression: The expression has redundant parentheses;");
    assertRejected(
        "age = :v AND ((age = :v OR age = :v))",
        values(":v", n(1)),
        "Invalid ConditionExpression: The expression has redundant parentheses;");
  }

  @Test
  void function_whenUnknown_isRejected() {
    assertRejected(
        "starts_with(id, :v)",
        values(":v", s("x")),
        "Invalid ConditionExpression: Invalid function name; function: starts_with");
  }

  @Test
  void function_whenNameCaseDiffers_isUnknown() {
    assertRejected(
        "Begins_With(id, :v)",
        values(":v", s("x")),
        "Invalid ConditionExpression: Invalid function name; function: Begins_With");
  }

  @Test
  void function_whenUpdateOnly_isRejected() {
    assertRejected(
        "age = if_not_exists(age, :v)",
        values(":v", n(1)),
        "Invalid ConditionExpression: The function is not allowed in a condition expression;"
            + " function: if_not_exists");
  }

  @Test
  void function_whenBooleanUsedAsOperand_isRejected() {
    assertRejected(
        ":v = attribute_exists(age)",
        values(":v", n(1)),
        "Invalid ConditionExpression: The function is not allowed to be used this way in an"
            + " expression; function: attribute_exists");
  }

  @Test
  void function_whenWrongNumberOfOperands_isRejected() {
    assertRejected(
        "begins_with(id)",
        null,
        "Invalid ConditionExpression: Incorrect number of operands for operator or function;"
            + " operator or function: begins_with, number of operands: 1");
    assertRejected(
        "attribute_exists(id, age)",
        null,
        "Invalid ConditionExpression: Incorrect number of operands for operator or function;"
            + " operator or function: attribute_exists, number of operands: 2");
  }

  @Test
  void function_whenPathRequiredButValueGiven_isRejected() {
    assertRejected(
        "attribute_exists(:v)",
        values(":v", s("x")),
        "Invalid ConditionExpression: Operator or function requires a document path; operator or"
            + " function: attribute_exists");
  }

  @Test
  void test_neverModifiesTheItem() {
    Map<String, AttributeValue> before = new LinkedHashMap<>(ITEM);
    test("size(entries) > :v AND contains(tags, :s)", values(":v", n(1), ":s", s("red")));
    assertThat(ITEM).isEqualTo(before);
  }
}
