package pitr.local.expr;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static pitr.local.expr.Values.bs;
import static pitr.local.expr.Values.item;
import static pitr.local.expr.Values.l;
import static pitr.local.expr.Values.m;
import static pitr.local.expr.Values.n;
import static pitr.local.expr.Values.ns;
import static pitr.local.expr.Values.s;
import static pitr.local.expr.Values.ss;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

class UpdateExpressionTest {

  private static Map<String, AttributeValue> values(Object... keysAndValues) {
    return item(keysAndValues);
  }

  private static Map<String, AttributeValue> apply(
      String expression, Map<String, AttributeValue> values, Map<String, AttributeValue> item) {
    return new ExpressionContext(null, values).update(expression).apply(item);
  }

  private static void assertRejected(
      String expression, Map<String, AttributeValue> values, String message) {
    assertThatThrownBy(() -> new ExpressionContext(null, values).update(expression))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(message);
  }

  private static void assertApplyFails(
      String expression,
      Map<String, AttributeValue> values,
      Map<String, AttributeValue> item,
      String message) {
    UpdateExpression update = new ExpressionContext(null, values).update(expression);
    assertThatThrownBy(() -> update.apply(item))
        .isInstanceOf(ExpressionException.class)
        .hasMessage(message);
  }

  @Test
  void set_whenAttributesNew_addsThem() {
    Map<String, AttributeValue> out =
        apply("SET a = :a, b = :b", values(":a", s("x"), ":b", n(2)), item("id", s("1")));
    assertThat(out).isEqualTo(item("id", s("1"), "a", s("x"), "b", n(2)));
  }

  @Test
  void set_whenAttributeExists_replacesIt() {
    assertThat(apply("set a = :a", values(":a", n(2)), item("a", s("old"))))
        .isEqualTo(item("a", n(2)));
  }

  @Test
  void set_whenPathOperand_copiesTheValue() {
    assertThat(apply("SET b = a", null, item("a", m("x", n(1)))))
        .isEqualTo(item("a", m("x", n(1)), "b", m("x", n(1))));
  }

  @Test
  void set_evaluatesEveryOperandAgainstTheOriginalItem() {
    assertThat(apply("SET a = b, b = a", null, item("a", n(1), "b", n(2))))
        .isEqualTo(item("a", n(2), "b", n(1)));
  }

  @Test
  void set_plusAndMinus_doDecimalArithmetic() {
    Map<String, AttributeValue> item = item("c", n("1.5"), "d", n(10));
    assertThat(apply("SET c = c + :n", values(":n", n("1.5")), item).get("c")).isEqualTo(n("3"));
    assertThat(apply("SET d = d - :n", values(":n", n(11)), item).get("d")).isEqualTo(n("-1"));
    assertThat(apply("SET e = :n + d", values(":n", n("0.25")), item).get("e"))
        .isEqualTo(n("10.25"));
    assertThat(apply("SET d = d-:n", values(":n", n(10)), item).get("d")).isEqualTo(n("0"));
  }

  @Test
  void set_whenArithmeticOnNonNumber_failsWithIncorrectDataType() {
    assertApplyFails(
        "SET a = a + :n",
        values(":n", n(1)),
        item("a", s("1")),
        "An operand in the update expression has an incorrect data type");
    assertApplyFails(
        "SET a = a - :n",
        values(":n", s("1")),
        item("a", n(1)),
        "An operand in the update expression has an incorrect data type");
  }

  @Test
  void set_whenOperandAttributeMissing_failsNamingIt() {
    assertApplyFails(
        "SET a = missing_one + :n",
        values(":n", n(1)),
        item(),
        "The provided expression refers to an attribute that does not exist in the item");
    assertApplyFails(
        "SET a = b.c",
        null,
        item("b", m()),
        "The provided expression refers to an attribute that does not exist in the item");
  }

  @Test
  void ifNotExists_whenMissing_usesFallback() {
    assertThat(apply("SET c = if_not_exists(c, :d)", values(":d", n(0)), item()))
        .isEqualTo(item("c", n(0)));
  }

  @Test
  void ifNotExists_whenPresent_keepsValue() {
    assertThat(apply("SET c = if_not_exists(c, :d)", values(":d", n(0)), item("c", n(5))))
        .isEqualTo(item("c", n(5)));
  }

  @Test
  void ifNotExists_combinesWithArithmetic() {
    Map<String, AttributeValue> v = values(":zero", n(0), ":one", n(1));
    assertThat(apply("SET hits = if_not_exists(hits, :zero) + :one", v, item()))
        .isEqualTo(item("hits", n(1)));
    assertThat(apply("SET hits = if_not_exists(hits, :zero) + :one", v, item("hits", n(7))))
        .isEqualTo(item("hits", n(8)));
  }

  @Test
  void ifNotExists_whenFirstOperandNotPath_isRejected() {
    assertRejected(
        "SET a = if_not_exists(:d, :d)",
        values(":d", n(0)),
        "Invalid UpdateExpression: Operator or function requires a document path; operator or"
            + " function: if_not_exists");
  }

  @Test
  void listAppend_appendsOrPrepends() {
    Map<String, AttributeValue> item = item("l", l(s("a")));
    Map<String, AttributeValue> v = values(":x", l(s("b"), s("c")));
    assertThat(apply("SET l = list_append(l, :x)", v, item).get("l"))
        .isEqualTo(l(s("a"), s("b"), s("c")));
    assertThat(apply("SET l = list_append(:x, l)", v, item).get("l"))
        .isEqualTo(l(s("b"), s("c"), s("a")));
  }

  @Test
  void listAppend_whenListMissing_worksThroughIfNotExists() {
    Map<String, AttributeValue> v = values(":empty", l(), ":x", l(n(1)));
    assertThat(apply("SET l = list_append(if_not_exists(l, :empty), :x)", v, item()))
        .isEqualTo(item("l", l(n(1))));
  }

  @Test
  void listAppend_whenOperandNotList_failsWithIncorrectDataType() {
    assertApplyFails(
        "SET l = list_append(l, :x)",
        values(":x", s("b")),
        item("l", l()),
        "An operand in the update expression has an incorrect data type");
  }

  @Test
  void set_nestedMapKey_isAddedToExistingMap() {
    Map<String, AttributeValue> item = item("a", m("b", m("c", n(1))));
    assertThat(apply("SET a.b.d = :v", values(":v", n(2)), item))
        .isEqualTo(item("a", m("b", m("c", n(1), "d", n(2)))));
  }

  @Test
  void set_listIndexInsideMap_replacesElement() {
    Map<String, AttributeValue> item = item("a", m("b", l(n(0), n(1), n(2), n(3))));
    assertThat(apply("SET a.b[3] = :v", values(":v", s("x")), item))
        .isEqualTo(item("a", m("b", l(n(0), n(1), n(2), s("x")))));
  }

  @Test
  void update_whenListIndexBeyondEnd_appends() {
    Map<String, AttributeValue> item = item("a", m("b", l(n(0))));
    assertThat(apply("SET a.b[3] = :v", values(":v", s("x")), item))
        .isEqualTo(item("a", m("b", l(n(0), s("x")))));
  }

  @Test
  void set_deepPathThroughListElement_updatesIt() {
    Map<String, AttributeValue> item = item("a", l(m("c", n(1)), m("c", n(2))));
    assertThat(apply("SET a[1].c = :v", values(":v", n(9)), item))
        .isEqualTo(item("a", l(m("c", n(1)), m("c", n(9)))));
  }

  @Test
  void set_whenParentMissing_failsAsInvalidPath() {
    assertApplyFails(
        "SET a.b = :v",
        values(":v", n(1)),
        item(),
        "The document path provided in the update expression is invalid for update");
    assertApplyFails(
        "SET a.b.c = :v",
        values(":v", n(1)),
        item("a", m()),
        "The document path provided in the update expression is invalid for update");
  }

  @Test
  void set_whenParentHasWrongType_failsAsInvalidPath() {
    assertApplyFails(
        "SET a.b = :v",
        values(":v", n(1)),
        item("a", l()),
        "The document path provided in the update expression is invalid for update");
    assertApplyFails(
        "SET a[0] = :v",
        values(":v", n(1)),
        item("a", m()),
        "The document path provided in the update expression is invalid for update");
  }

  @Test
  void apply_neverModifiesTheInput() {
    Map<String, AttributeValue> nested = item("b", l(n(0), n(1)), "c", n(1));
    Map<String, AttributeValue> original = item("a", AttributeValue.fromM(nested), "x", n(1));
    Map<String, AttributeValue> snapshot = new LinkedHashMap<>(original);
    Map<String, AttributeValue> out =
        apply("SET a.b[0] = :v, a.d = :v REMOVE a.c, x", values(":v", s("new")), original);
    assertThat(original).isEqualTo(snapshot);
    assertThat(original.get("a").m()).isEqualTo(nested);
    assertThat(out).isEqualTo(item("a", m("b", l(s("new"), n(1)), "d", s("new"))));
  }

  @Test
  void remove_dropsTopLevelAndListElements() {
    Map<String, AttributeValue> item = item("a", n(1), "b", l(n(0), n(1), n(2)), "c", n(3));
    assertThat(apply("REMOVE a, b[1]", null, item)).isEqualTo(item("b", l(n(0), n(2)), "c", n(3)));
  }

  @Test
  void remove_severalIndexes_removesTheOriginalElements() {
    Map<String, AttributeValue> item = item("l", l(n(0), n(1), n(2), n(3)));
    assertThat(apply("REMOVE l[0], l[2]", null, item)).isEqualTo(item("l", l(n(1), n(3))));
  }

  @Test
  void remove_nestedMapKey() {
    Map<String, AttributeValue> item = item("a", m("b", n(1), "c", n(2)));
    assertThat(apply("REMOVE a.b", null, item)).isEqualTo(item("a", m("c", n(2))));
  }

  @Test
  void remove_whenPathMissing_isNoOp() {
    Map<String, AttributeValue> item = item("a", m(), "l", l(n(1)));
    assertThat(apply("REMOVE zz, a.b, l[5]", null, item)).isEqualTo(item);
  }

  @Test
  void remove_whenParentMissing_isRefused() {
    Map<String, AttributeValue> item = item("a", m(), "l", l(n(1)));
    for (String expression : new String[] {"REMOVE q.r", "REMOVE q[0]", "REMOVE a.b.c"}) {
      assertThatThrownBy(() -> apply(expression, null, item))
          .as(expression)
          .isInstanceOf(ExpressionException.class)
          .hasMessage("The document path provided in the update expression is invalid for update");
    }
  }

  @Test
  void add_toNumber_sums() {
    assertThat(apply("ADD n :n", values(":n", n("-2.5")), item("n", n(10))))
        .isEqualTo(item("n", n("7.5")));
  }

  @Test
  void add_whenMissing_createsAttribute() {
    assertThat(apply("ADD n :n", values(":n", n(3)), item())).isEqualTo(item("n", n(3)));
    assertThat(apply("ADD s :s", values(":s", ss("a")), item())).isEqualTo(item("s", ss("a")));
  }

  @Test
  void add_toSet_formsUnion() {
    assertThat(apply("ADD s :s", values(":s", ss("b", "c")), item("s", ss("a", "b"))))
        .isEqualTo(item("s", ss("a", "b", "c")));
    assertThat(apply("ADD s :s", values(":s", ns("1.0", "2")), item("s", ns("1"))))
        .isEqualTo(item("s", ns("1", "2")));
    assertThat(apply("ADD s :s", values(":s", bs("y")), item("s", bs("x"))))
        .isEqualTo(item("s", bs("x", "y")));
  }

  @Test
  void add_whenTypesDiffer_failsWithIncorrectDataType() {
    assertApplyFails(
        "ADD s :s",
        values(":s", ns("1")),
        item("s", ss("a")),
        "An operand in the update expression has an incorrect data type");
    assertApplyFails(
        "ADD n :n",
        values(":n", n(1)),
        item("n", s("1")),
        "An operand in the update expression has an incorrect data type");
  }

  @Test
  void add_whenOperandNotNumberOrSet_isRejected() {
    assertRejected(
        "ADD a :v",
        values(":v", s("x")),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator: ADD,"
            + " operand type: STRING, typeSet: ALLOWED_FOR_ADD_OPERAND");
  }

  @Test
  void delete_removesElementsFromSet() {
    assertThat(apply("DELETE s :s", values(":s", ss("a", "z")), item("s", ss("a", "b"))))
        .isEqualTo(item("s", ss("b")));
    assertThat(apply("DELETE s :s", values(":s", ns("2.0")), item("s", ns("1", "2"))))
        .isEqualTo(item("s", ns("1")));
  }

  @Test
  void delete_whenSetLeftEmpty_removesAttribute() {
    assertThat(apply("DELETE s :s", values(":s", ss("a", "b")), item("s", ss("a"), "k", n(1))))
        .isEqualTo(item("k", n(1)));
  }

  @Test
  void delete_whenAttributeMissing_isNoOp() {
    assertThat(apply("DELETE s :s", values(":s", ss("a")), item("k", n(1))))
        .isEqualTo(item("k", n(1)));
  }

  @Test
  void delete_whenSetTypesDiffer_failsWithIncorrectDataType() {
    assertApplyFails(
        "DELETE s :s",
        values(":s", ns("1")),
        item("s", ss("1")),
        "An operand in the update expression has an incorrect data type");
  }

  @Test
  void delete_whenOperandNotSet_isRejected() {
    assertRejected(
        "DELETE s :n",
        values(":n", n(1)),
        "Invalid UpdateExpression: Incorrect operand type for operator or function; operator:"
            + " DELETE, operand type: NUMBER, typeSet: ALLOWED_FOR_DELETE_OPERAND");
  }

  @Test
  void clauses_inAnyOrderAndCase_allApply() {
    Map<String, AttributeValue> item = item("n", n(1), "s", ss("a", "b"), "stale", n(0));
    Map<String, AttributeValue> out =
        apply(
            "delete s :d add n :one Remove stale sEt x = :x",
            values(":d", ss("a"), ":one", n(1), ":x", s("x")),
            item);
    assertThat(out).isEqualTo(item("n", n(2), "s", ss("b"), "x", s("x")));
  }

  @Test
  void clause_whenRepeated_isRejected() {
    assertRejected(
        "SET a = :v SET b = :v",
        values(":v", n(1)),
        "Invalid UpdateExpression: The \"SET\" section can only be used once in an update"
            + " expression;");
    assertRejected(
        "REMOVE a remove b",
        null,
        "Invalid UpdateExpression: The \"REMOVE\" section can only be used once in an update"
            + " expression;");
  }

  @Test
  void paths_whenOverlapping_areRejected() {
    assertRejected(
        "SET a = :v, a.b = :v",
        values(":v", n(1)),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or"
            + " rewrite one of these paths; path one: [a], path two: [a, b]");
    assertRejected(
        "SET a.b = :v REMOVE a.b",
        values(":v", n(1)),
        "Invalid UpdateExpression: Two document paths overlap with each other; must remove or"
            + " rewrite one of these paths; path one: [a, b], path two: [a, b]");
  }

  @Test
  void paths_whenOneIndexesWhatTheOtherNames_conflict() {
    assertRejected(
        "SET a.b = :v REMOVE a[0]",
        values(":v", n(1)),
        "Invalid UpdateExpression: Two document paths conflict with each other; must remove or"
            + " rewrite one of these paths; path one: [a, b], path two: [a, [0]]");
  }

  @Test
  void paths_whenSiblings_areAccepted() {
    Map<String, AttributeValue> item = item("a", m("b", n(1), "c", l(n(0), n(1))));
    assertThat(apply("SET a.b = :v, a.c[1] = :v REMOVE a.c[0]", values(":v", n(5)), item))
        .isEqualTo(item("a", m("b", n(5), "c", l(n(5)))));
  }

  @Test
  void namePlaceholders_resolveInTargetsAndOperands() {
    UpdateExpression u =
        new ExpressionContext(Map.of("#s", "status", "#c", "count"), values(":v", s("done")))
            .update("SET #s = :v, dup = #c");
    assertThat(u.apply(item("count", n(3))))
        .isEqualTo(item("count", n(3), "status", s("done"), "dup", n(3)));
  }

  @Test
  void reservedWord_asTarget_isRejected() {
    assertRejected(
        "SET status = :v",
        values(":v", n(1)),
        "Invalid UpdateExpression: Attribute name is a reserved keyword; reserved keyword: status");
  }

  @Test
  void emptyExpression_isRejected() {
    assertRejected("", null, "Invalid UpdateExpression: The expression can not be empty;");
  }

  @Test
  void syntaxError_quotesTokenAndNeighbours() {
    assertRejected(
        "INVALID SYNTAX HERE",
        null,
        "Invalid UpdateExpression: Syntax error; token: \"INVALID\", near: \"INVALID SYNTAX\"");
    assertRejected(
        "SET a", null, "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \"a\"");
    assertRejected(
        "SET a = :v,",
        values(":v", n(1)),
        "Invalid UpdateExpression: Syntax error; token: \"<EOF>\", near: \",\"");
    assertRejected(
        "ADD n n", null, "Invalid UpdateExpression: Syntax error; token: \"n\", near: \"n n\"");
  }

  @Test
  void function_whenConditionOnly_isRejected() {
    assertRejected(
        "SET a = size(b)",
        null,
        "Invalid UpdateExpression: The function is not allowed in an update expression;"
            + " function: size");
  }

  @Test
  void function_whenUnknown_isRejected() {
    assertRejected(
        "SET a = concat(b, c)",
        null,
        "Invalid UpdateExpression: Invalid function name; function: concat");
  }

  @Test
  void topLevelAttributes_listsEveryTarget() {
    UpdateExpression u =
        new ExpressionContext(null, values(":v", n(1), ":s", ss("a")))
            .update("SET a.b = :v, c = :v REMOVE d[0] ADD e :v DELETE f :s");
    assertThat(u.topLevelAttributes()).containsExactly("a", "c", "d", "e", "f");
  }

  @Test
  void updatedPaths_projectsExactlyTheWrittenPaths() {
    UpdateExpression u =
        new ExpressionContext(null, values(":v", n(1))).update("SET a.b = :v, c = :v");
    Map<String, AttributeValue> image = item("a", m("b", n(1), "x", n(2)), "c", n(1), "d", n(4));
    assertThat(u.updatedPaths().apply(image)).isEqualTo(item("a", m("b", n(1)), "c", n(1)));
  }
}
