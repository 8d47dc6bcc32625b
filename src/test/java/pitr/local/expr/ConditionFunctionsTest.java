package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.expr.ConditionFixture.assertRejected;
import static pitr.local.expr.ConditionFixture.test;
import static pitr.local.expr.ConditionFixture.values;
import static pitr.local.expr.Values.b;
import static pitr.local.expr.Values.m;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.s;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The functions of condition expressions, and the operands each accepts. */
class ConditionFunctionsTest {
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
}
