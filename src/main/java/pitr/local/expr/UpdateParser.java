package pitr.local.expr;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The update-expression part of {@link Parser}: the SET, REMOVE, ADD and DELETE clauses and the
 * values they take, read with the parser's tokens, paths and operands.
 */
final class UpdateParser {
  private static final Set<String> UPDATE_CLAUSES = Set.of("SET", "REMOVE", "ADD", "DELETE");

  private final Parser parser;

  UpdateParser(Parser parser) {
    this.parser = parser;
  }

  UpdateExpression update() {
    List<ParsedUpdate.SetAction> sets = new ArrayList<>();
    List<DocumentPath> removes = new ArrayList<>();
    Map<DocumentPath, AttributeValue> adds = new LinkedHashMap<>();
    Map<DocumentPath, AttributeValue> deletes = new LinkedHashMap<>();
    List<DocumentPath> targets = new ArrayList<>();
    Set<String> clauses = new HashSet<>();
    while (parser.peek().kind() != Token.Kind.EOF) {
      Token t = parser.peek();
      String clause = t.kind() == Token.Kind.IDENT ? t.text().toUpperCase(Locale.ROOT) : "";
      if (!UPDATE_CLAUSES.contains(clause)) {
        throw parser.syntaxError(parser.position());
      }
      if (!clauses.add(clause)) {
        throw parser.error(
            "The \"" + clause + "\" section can only be used once in an update expression;");
      }
      parser.advance();
      do {
        DocumentPath target = parser.path();
        targets.add(target);
        switch (clause) {
          case "SET" -> {
            parser.expect(Token.Kind.EQ);
            sets.add(new ParsedUpdate.SetAction(target, setValue()));
          }
          case "REMOVE" -> removes.add(target);
          case "ADD" -> adds.put(target, setOperand("ADD"));
          default -> deletes.put(target, setOperand("DELETE"));
        }
      } while (parser.accept(Token.Kind.COMMA));
    }
    parser.checkDisjoint(targets);
    return new ParsedUpdate(sets, removes, adds, deletes, targets);
  }

  /**
   * The right-hand side of a SET action: an operand, optionally plus or minus another; either may
   * be parenthesised, as in {@code SET c = (c + :o)}.
   */
  Operand setValue() {
    Operand left = parser.operand(true);
    Token t = parser.peek();
    if (t.kind() == Token.Kind.PLUS || t.kind() == Token.Kind.MINUS) {
      parser.advance();
      parser.countOperator();
      return new Operand.Arithmetic(left, t.kind() == Token.Kind.PLUS, parser.operand(true));
    }
    return left;
  }

  /** The value of an ADD or DELETE action: a placeholder of a type the action accepts. */
  private AttributeValue setOperand(String action) {
    Token t = parser.peek();
    if (t.kind() != Token.Kind.VALUE) {
      throw parser.syntaxError(parser.position());
    }
    parser.advance();
    AttributeValue v = parser.value(t);
    AttributeValue.Type type = v.type();
    boolean isSet =
        type == AttributeValue.Type.SS
            || type == AttributeValue.Type.NS
            || type == AttributeValue.Type.BS;
    boolean allowed = isSet || (action.equals("ADD") && type == AttributeValue.Type.N);
    if (!allowed) {
      throw parser.error(
          "Incorrect operand type for operator or function; operator: "
              + action
              + ", operand type: "
              + longTypeName(v)
              + ", typeSet: ALLOWED_FOR_"
              + action
              + "_OPERAND");
    }
    return v;
  }

  private static String longTypeName(AttributeValue v) {
    return switch (v.type()) {
      case S -> "STRING";
      case N -> "NUMBER";
      case B -> "BINARY";
      case SS -> "STRING_SET";
      case NS -> "NUMBER_SET";
      case BS -> "BINARY_SET";
      case M -> "MAP";
      case L -> "LIST";
      case BOOL -> "BOOLEAN";
      default -> "NULL";
    };
  }
}
