package pitr.local.expr;

/**
 * One lexical token of an expression, with its position in the source so that syntax errors can
 * quote the surrounding text the way DynamoDB does.
 */
record Token(Kind kind, String text, int start, int end) {

  /** Token categories; punctuation kinds stand for exactly one spelling. */
  enum Kind {
    /** A bare name: attribute name, keyword or function name. */
    IDENT,
    /** {@code #name}: an ExpressionAttributeNames placeholder. */
    NAME,
    /** {@code :value}: an ExpressionAttributeValues placeholder. */
    VALUE,
    /** Digits, valid only as a list index. */
    NUMBER,
    LPAREN,
    RPAREN,
    LBRACKET,
    RBRACKET,
    COMMA,
    DOT,
    EQ,
    NE,
    LT,
    LE,
    GT,
    GE,
    PLUS,
    MINUS,
    /** A character the language has no use for; always a syntax error. */
    UNKNOWN,
    EOF
  }

  /** Whether this is the bare word {@code keyword}, ignoring case. */
  boolean isKeyword(String keyword) {
    return kind == Kind.IDENT && text.equalsIgnoreCase(keyword);
  }

  /** The token as DynamoDB quotes it in a syntax error. */
  String display() {
    return kind == Kind.EOF ? "<EOF>" : text;
  }
}
