package pitr.local.expr;

import java.util.ArrayList;
import java.util.List;

/** Splits an expression into tokens; never fails, unknown characters become UNKNOWN tokens. */
final class Lexer {
  private Lexer() {}

  static List<Token> tokenize(String source) {
    List<Token> tokens = new ArrayList<>();
    int i = 0;
    int n = source.length();
    while (i < n) {
      char c = source.charAt(i);
      if (Character.isWhitespace(c)) {
        i++;
        continue;
      }
      int start = i;
      Token.Kind kind;
      if (isNameStart(c)) {
        i = skipNameChars(source, i + 1);
        kind = Token.Kind.IDENT;
      } else if (c >= '0' && c <= '9') {
        while (i < n && source.charAt(i) >= '0' && source.charAt(i) <= '9') {
          i++;
        }
        kind = Token.Kind.NUMBER;
      } else if (c == '#' || c == ':') {
        i = skipNameChars(source, i + 1);
        if (i == start + 1) {
          kind = Token.Kind.UNKNOWN;
        } else {
          kind = c == '#' ? Token.Kind.NAME : Token.Kind.VALUE;
        }
      } else {
        i++;
        kind =
            switch (c) {
              case '(' -> Token.Kind.LPAREN;
              case ')' -> Token.Kind.RPAREN;
              case '[' -> Token.Kind.LBRACKET;
              case ']' -> Token.Kind.RBRACKET;
              case ',' -> Token.Kind.COMMA;
              case '.' -> Token.Kind.DOT;
              case '=' -> Token.Kind.EQ;
              case '+' -> Token.Kind.PLUS;
              case '-' -> Token.Kind.MINUS;
              case '<' -> {
                if (i < n && source.charAt(i) == '=') {
                  i++;
                  yield Token.Kind.LE;
                }
                if (i < n && source.charAt(i) == '>') {
                  i++;
                  yield Token.Kind.NE;
                }
                yield Token.Kind.LT;
              }
              case '>' -> {
                if (i < n && source.charAt(i) == '=') {
                  i++;
                  yield Token.Kind.GE;
                }
                yield Token.Kind.GT;
              }
              default -> Token.Kind.UNKNOWN;
            };
      }
      tokens.add(new Token(kind, source.substring(start, i), start, i));
    }
    tokens.add(new Token(Token.Kind.EOF, "", n, n));
    return tokens;
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static int skipNameChars(String s, int i) {
    while (i < s.length()) {
      char c = s.charAt(i);
      if (isNameStart(c) || (c >= '0' && c <= '9')) {
        i++;
      } else {
        break;
      }
    }
    return i;
  }
}
