package pitr.local.expr;

import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import pitr.dynamo.ItemSizes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Recursive-descent parser for the four expression languages, one instance per expression.
 *
 * <p>Condition precedence, loosest first: OR, AND, NOT, then a single comparison, BETWEEN, IN or
 * function call (parentheses group). Placeholders are resolved while parsing, so the trees it
 * builds read the item directly.
 */
final class Parser {
  /** DynamoDB's limit on the right-hand side of IN. */
  static final int MAX_IN_OPERANDS = 100;

  /** DynamoDB's limit on an expression string, in UTF-8 bytes as sent. */
  static final int MAX_EXPRESSION_BYTES = 4096;

  /** DynamoDB's limit on operators and functions in one expression. */
  static final int MAX_OPERATORS = 300;

  private static final Set<String> CONDITION_FUNCTIONS =
      Set.of(
          "attribute_exists", "attribute_not_exists", "attribute_type", "begins_with", "contains");
  private static final Set<String> UPDATE_FUNCTIONS = Set.of("if_not_exists", "list_append");
  private static final Set<String> TYPE_NAMES =
      Set.of("S", "SS", "N", "NS", "B", "BS", "BOOL", "NULL", "L", "M");

  private final ExpressionContext context;
  private final String kind;
  private final String source;
  private final List<Token> tokens;
  private final Set<Condition> parenthesized = Collections.newSetFromMap(new IdentityHashMap<>());
  private int pos;
  private int operators;

  Parser(ExpressionContext context, String kind, String source) {
    this.context = context;
    this.kind = kind;
    this.source = source == null ? "" : source;
    if (this.source.isBlank()) {
      throw error("The expression can not be empty;");
    }
    long size = ItemSizes.utf8Length(this.source);
    if (size > MAX_EXPRESSION_BYTES) {
      throw error(
          "Expression size has exceeded the maximum allowed size; expression size: " + size);
    }
    this.tokens = Lexer.tokenize(this.source);
  }

  Condition condition() {
    Condition c = or();
    expect(Token.Kind.EOF);
    return c;
  }

  ProjectionExpression projection() {
    List<DocumentPath> paths = new ArrayList<>();
    do {
      paths.add(path());
    } while (accept(Token.Kind.COMMA));
    expect(Token.Kind.EOF);
    checkDisjoint(paths);
    return new PathProjection(paths);
  }

  UpdateExpression update() {
    return new UpdateParser(this).update();
  }

  /**
   * Reads a key condition: an equality on the partition key, optionally ANDed with one sort-key
   * condition, in either order and with either operand first.
   *
   * @param partitionKeyName the table's or index's partition key when known, to tell the two
   *     conditions apart when both are equalities; null to take the first equality
   */
  KeyConditionExpression keyCondition(String partitionKeyName) {
    return KeyConditions.of(condition(), partitionKeyName, kind);
  }

  private Condition or() {
    Condition left = and();
    while (peek().isKeyword("OR")) {
      pos++;
      countOperator();
      left = new Condition.Or(left, and());
    }
    return left;
  }

  private Condition and() {
    Condition left = not();
    while (peek().isKeyword("AND")) {
      pos++;
      countOperator();
      left = new Condition.And(left, not());
    }
    return left;
  }

  private Condition not() {
    if (peek().isKeyword("NOT")) {
      pos++;
      countOperator();
      return new Condition.Not(not());
    }
    return primary();
  }

  private Condition primary() {
    Token t = peek();
    if (t.kind() == Token.Kind.LPAREN) {
      Operand grouped = groupedOperand();
      if (grouped != null) {
        return comparison(grouped);
      }
      pos++;
      Condition inner = or();
      expect(Token.Kind.RPAREN);
      // DynamoDB rejects a group whose whole content is another group: ((a = :v)).
      if (!parenthesized.add(inner)) {
        throw error("The expression has redundant parentheses;");
      }
      return inner;
    }
    if (isFunctionCall() && CONDITION_FUNCTIONS.contains(t.text())) {
      return booleanFunction();
    }
    return comparison(operand(false));
  }

  /**
   * A parenthesised operand that starts a comparison, such as {@code (size(a)) = :v}, or null (with
   * the position unchanged) when the parentheses group a condition instead.
   */
  private Operand groupedOperand() {
    int start = pos;
    int counted = operators;
    try {
      Operand operand = operand(false);
      Token next = peek();
      if (comparator(next) != null || next.isKeyword("BETWEEN") || next.isKeyword("IN")) {
        return operand;
      }
    } catch (ExpressionException notAnOperand) {
      // the parentheses hold a condition: parse them again as one
    }
    pos = start;
    operators = counted;
    return null;
  }

  /** A comparison, BETWEEN or IN whose left operand is read. */
  private Condition comparison(Operand left) {
    Token op = peek();
    Condition.Comparator comparator = comparator(op);
    if (comparator != null) {
      pos++;
      countOperator();
      Operand right = operand(false);
      checkDistinct(comparator.symbol, left, right);
      return new Condition.Compare(comparator, left, right);
    }
    if (op.isKeyword("BETWEEN")) {
      pos++;
      countOperator();
      Operand low = operand(false);
      if (!peek().isKeyword("AND")) {
        throw syntaxError(pos);
      }
      pos++;
      Operand high = operand(false);
      checkDistinct("BETWEEN", left, low, high);
      checkBounds(low, high);
      return new Condition.Between(left, low, high);
    }
    if (op.isKeyword("IN")) {
      pos++;
      countOperator();
      expect(Token.Kind.LPAREN);
      List<Operand> candidates = new ArrayList<>();
      do {
        candidates.add(operand(false));
      } while (accept(Token.Kind.COMMA));
      expect(Token.Kind.RPAREN);
      if (candidates.size() > MAX_IN_OPERANDS) {
        throw error(
            "The IN operator is provided with too many operands; number of operands: "
                + candidates.size());
      }
      Operand[] all = new Operand[candidates.size() + 1];
      all[0] = left;
      for (int i = 0; i < candidates.size(); i++) {
        all[i + 1] = candidates.get(i);
      }
      checkDistinct("IN", all);
      return new Condition.In(left, List.copyOf(candidates));
    }
    throw syntaxError(pos);
  }

  private Condition booleanFunction() {
    String name = tokens.get(pos).text();
    pos++;
    countOperator();
    List<Operand> args = arguments(false);
    switch (name) {
      case "attribute_exists", "attribute_not_exists" -> {
        checkArity(name, args, 1);
        return new Condition.AttributeExists(
            requirePath(name, args.get(0)), name.equals("attribute_exists"));
      }
      case "attribute_type" -> {
        checkArity(name, args, 2);
        DocumentPath path = requirePath(name, args.get(0));
        if (!(args.get(1) instanceof Operand.Constant c)) {
          throw error(
              "Incorrect operand type for operator or function; operator or function: "
                  + name
                  + ", operand type: PATH");
        }
        if (c.value().type() != AttributeValue.Type.S) {
          throw incorrectOperandType(name, c.value());
        }
        if (!TYPE_NAMES.contains(c.value().s())) {
          throw error(
              "Invalid attribute type name found; type: "
                  + c.value().s()
                  + ", valid types: { B,NULL,SS,BOOL,L,BS,N,NS,S,M }");
        }
        return new Condition.AttributeType(path, c.value().s());
      }
      case "begins_with" -> {
        checkArity(name, args, 2);
        for (Operand arg : args) {
          if (arg instanceof Operand.Size) {
            throw incorrectOperandType(name, AttributeValue.fromN("0"));
          }
          if (arg instanceof Operand.Constant c
              && c.value().type() != AttributeValue.Type.S
              && c.value().type() != AttributeValue.Type.B) {
            throw incorrectOperandType(name, c.value());
          }
        }
        checkDistinct(name, args.get(0), args.get(1));
        return new Condition.BeginsWith(args.get(0), args.get(1));
      }
      default -> {
        checkArity(name, args, 2);
        checkDistinct(name, args.get(0), args.get(1));
        return new Condition.Contains(args.get(0), args.get(1));
      }
    }
  }

  /**
   * An operand: a path, a value placeholder, or a function that yields a value ({@code size} in
   * conditions, {@code if_not_exists} and {@code list_append} in updates).
   */
  Operand operand(boolean update) {
    Token t = peek();
    if (t.kind() == Token.Kind.LPAREN) {
      pos++;
      Operand inner = update ? new UpdateParser(this).setValue() : operand(false);
      expect(Token.Kind.RPAREN);
      return inner;
    }
    if (t.kind() == Token.Kind.VALUE) {
      pos++;
      return new Operand.Constant(t.text(), value(t));
    }
    if (isFunctionCall()) {
      return functionOperand(update);
    }
    return new Operand.Path(path());
  }

  private Operand functionOperand(boolean update) {
    String name = peek().text();
    boolean known = CONDITION_FUNCTIONS.contains(name) || UPDATE_FUNCTIONS.contains(name);
    if (!known && !name.equals("size")) {
      throw error("Invalid function name; function: " + name);
    }
    if (update && !UPDATE_FUNCTIONS.contains(name)) {
      throw error("The function is not allowed in an update expression; function: " + name);
    }
    if (!update && UPDATE_FUNCTIONS.contains(name)) {
      throw error("The function is not allowed in a condition expression; function: " + name);
    }
    if (CONDITION_FUNCTIONS.contains(name)) {
      throw error(
          "The function is not allowed to be used this way in an expression; function: " + name);
    }
    pos++;
    countOperator();
    List<Operand> args = arguments(update);
    checkArity(name, args, name.equals("size") ? 1 : 2);
    return switch (name) {
      case "size" -> new Operand.Size(requirePath(name, args.get(0)));
      case "if_not_exists" -> new Operand.IfNotExists(requirePath(name, args.get(0)), args.get(1));
      default -> new Operand.ListAppend(args.get(0), args.get(1));
    };
  }

  private List<Operand> arguments(boolean update) {
    expect(Token.Kind.LPAREN);
    List<Operand> args = new ArrayList<>();
    do {
      args.add(operand(update));
    } while (accept(Token.Kind.COMMA));
    expect(Token.Kind.RPAREN);
    return args;
  }

  DocumentPath path() {
    List<DocumentPath.Element> elements = new ArrayList<>();
    elements.add(DocumentPath.Element.key(pathName()));
    while (true) {
      if (accept(Token.Kind.DOT)) {
        elements.add(DocumentPath.Element.key(pathName()));
      } else if (accept(Token.Kind.LBRACKET)) {
        Token t = peek();
        if (t.kind() != Token.Kind.NUMBER) {
          throw syntaxError(pos);
        }
        int index;
        try {
          index = Integer.parseInt(t.text());
        } catch (NumberFormatException e) {
          throw syntaxError(pos);
        }
        pos++;
        expect(Token.Kind.RBRACKET);
        elements.add(DocumentPath.Element.index(index));
      } else {
        DocumentPath path = new DocumentPath(elements);
        context.notePath(kind, path);
        return path;
      }
    }
  }

  private String pathName() {
    Token t = peek();
    if (t.kind() == Token.Kind.NAME) {
      pos++;
      String name = context.lookupName(t.text());
      if (name == null) {
        throw error(
            "An expression attribute name used in the document path is not defined; attribute"
                + " name: "
                + t.text());
      }
      return name;
    }
    if (t.kind() != Token.Kind.IDENT || isOperatorKeyword(t)) {
      throw syntaxError(pos);
    }
    if (ReservedWords.contains(t.text())) {
      throw error("Attribute name is a reserved keyword; reserved keyword: " + t.text());
    }
    pos++;
    return t.text();
  }

  AttributeValue value(Token t) {
    AttributeValue v = context.lookupValue(t.text());
    if (v == null) {
      throw error(
          "An expression attribute value used in expression is not defined; attribute value: "
              + t.text());
    }
    return v;
  }

  private static boolean isOperatorKeyword(Token t) {
    return t.isKeyword("AND")
        || t.isKeyword("OR")
        || t.isKeyword("NOT")
        || t.isKeyword("BETWEEN")
        || t.isKeyword("IN");
  }

  private static Condition.Comparator comparator(Token t) {
    return switch (t.kind()) {
      case EQ -> Condition.Comparator.EQ;
      case NE -> Condition.Comparator.NE;
      case LT -> Condition.Comparator.LT;
      case LE -> Condition.Comparator.LE;
      case GT -> Condition.Comparator.GT;
      case GE -> Condition.Comparator.GE;
      default -> null;
    };
  }

  private boolean isFunctionCall() {
    return peek().kind() == Token.Kind.IDENT && tokens.get(pos + 1).kind() == Token.Kind.LPAREN;
  }

  private void checkArity(String function, List<Operand> args, int expected) {
    if (args.size() != expected) {
      throw error(
          "Incorrect number of operands for operator or function; operator or function: "
              + function
              + ", number of operands: "
              + args.size());
    }
  }

  private DocumentPath requirePath(String function, Operand operand) {
    DocumentPath path = operand.pathOrNull();
    if (path == null) {
      throw error(
          "Operator or function requires a document path; operator or function: " + function);
    }
    return path;
  }

  /** DynamoDB refuses an operator whose first operand is the same path as a later one. */
  private void checkDistinct(String operator, Operand... operands) {
    DocumentPath first = operands[0].pathOrNull();
    if (first == null) {
      return;
    }
    for (int i = 1; i < operands.length; i++) {
      if (first.equals(operands[i].pathOrNull())) {
        throw error(
            "The first operand must be distinct from the remaining operands for this operator or"
                + " function; operator: "
                + operator
                + ", first operand: "
                + first);
      }
    }
  }

  /** DynamoDB refuses constant bounds of different types, or a lower bound above the upper. */
  private void checkBounds(Operand low, Operand high) {
    if (!(low instanceof Operand.Constant lo) || !(high instanceof Operand.Constant hi)) {
      return;
    }
    if (lo.value().type() != hi.value().type()) {
      throw error(
          "The BETWEEN operator requires same data type for lower and upper bounds;"
              + bounds(lo.value(), hi.value()));
    }
    if (AttributeValues.isOrderable(lo.value())
        && AttributeValues.compare(lo.value(), hi.value()) > 0) {
      throw error(
          "The BETWEEN operator requires upper bound to be greater than or equal to lower bound;"
              + bounds(lo.value(), hi.value()));
    }
  }

  private static String bounds(AttributeValue low, AttributeValue high) {
    return " lower bound operand: AttributeValue: "
        + describe(low)
        + ", upper bound operand: AttributeValue: "
        + describe(high);
  }

  void checkDisjoint(List<DocumentPath> paths) {
    for (int i = 0; i < paths.size(); i++) {
      for (int j = i + 1; j < paths.size(); j++) {
        String clash = DocumentPath.clash(paths.get(i), paths.get(j));
        if (clash != null) {
          throw error(clash);
        }
      }
    }
  }

  private ExpressionException incorrectOperandType(String function, AttributeValue v) {
    return error(
        "Incorrect operand type for operator or function; operator or function: "
            + function
            + ", operand type: "
            + AttributeValues.typeName(v));
  }

  private static String describe(AttributeValue v) {
    String scalar =
        switch (v.type()) {
          case S -> v.s();
          case N -> v.n();
          case B -> Base64.getEncoder().encodeToString(v.b().asByteArrayUnsafe());
          case BOOL -> v.bool().toString();
          case NUL -> v.nul().toString();
          default -> v.toString();
        };
    return "{" + AttributeValues.typeName(v) + ":" + scalar + "}";
  }

  void countOperator() {
    if (++operators > MAX_OPERATORS) {
      throw error("The expression contains too many operators; operator count: " + operators);
    }
  }

  Token peek() {
    return tokens.get(pos);
  }

  /** Steps past the current token and returns the position of the token after it. */
  int advance() {
    return ++pos;
  }

  /** The position of the current token, for syntax errors. */
  int position() {
    return pos;
  }

  boolean accept(Token.Kind kind) {
    if (peek().kind() == kind) {
      pos++;
      return true;
    }
    return false;
  }

  void expect(Token.Kind kind) {
    if (!accept(kind)) {
      throw syntaxError(pos);
    }
  }

  ExpressionException error(String message) {
    return new ExpressionException("Invalid " + kind + ": " + message);
  }

  /**
   * DynamoDB quotes the offending token and the source from the token before it to the token after
   * it.
   */
  ExpressionException syntaxError(int at) {
    Token t = tokens.get(at);
    Token previous = at > 0 ? tokens.get(at - 1) : t;
    Token next = at + 1 < tokens.size() ? tokens.get(at + 1) : t;
    int start = previous.start();
    int end;
    if (t.kind() == Token.Kind.EOF) {
      end = previous.end();
    } else if (next.kind() == Token.Kind.EOF) {
      end = t.end();
    } else {
      end = next.end();
    }
    return error(
        "Syntax error; token: \""
            + t.display()
            + "\", near: \""
            + source.substring(start, end)
            + "\"");
  }
}
