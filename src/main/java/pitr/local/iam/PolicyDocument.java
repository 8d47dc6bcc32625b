package pitr.local.iam;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An IAM identity-based policy document: statements that Allow or Deny actions (with {@code *} and
 * {@code ?} wildcards, case-insensitive) on resources (ARNs with wildcards, case-sensitive). {@code
 * NotAction} and {@code NotResource} are honoured. Conditions are not evaluated: an Allow with a
 * Condition never applies and a Deny with one always does, so a policy is never read as granting
 * more than it could on AWS.
 */
public final class PolicyDocument {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether a statement allows or denies what it matches. */
  enum Effect {
    ALLOW,
    DENY
  }

  record Statement(
      Effect effect,
      List<Pattern> actions,
      boolean notAction,
      List<Pattern> resources,
      boolean notResource,
      boolean conditional) {

    boolean matches(Permission p) {
      boolean action = actions.stream().anyMatch(a -> a.matcher(p.action()).matches());
      boolean resource = resources.stream().anyMatch(r -> r.matcher(p.resource()).matches());
      return action != notAction && resource != notResource;
    }
  }

  private final List<Statement> statements;

  private PolicyDocument(List<Statement> statements) {
    this.statements = statements;
  }

  List<Statement> statements() {
    return statements;
  }

  /**
   * Parses a policy document.
   *
   * @throws IllegalArgumentException naming what is wrong: not JSON, no Statement, a statement
   *     without Effect Allow|Deny, without Action (or NotAction) or Resource (or NotResource)
   */
  public static PolicyDocument parse(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(
          "not a JSON policy document (" + e.getOriginalMessage() + ")");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("not a JSON policy document (expected an object)");
    }
    JsonNode statement = root.get("Statement");
    if (statement == null) {
      throw new IllegalArgumentException("the policy has no Statement");
    }
    List<Statement> parsed = new ArrayList<>();
    if (statement.isArray()) {
      int i = 0;
      for (JsonNode s : statement) {
        parsed.add(statement(s, i++));
      }
    } else {
      parsed.add(statement(statement, 0));
    }
    return new PolicyDocument(List.copyOf(parsed));
  }

  private static Statement statement(JsonNode s, int index) {
    String where = "Statement " + index + (s.has("Sid") ? " (" + s.get("Sid").asText() + ")" : "");
    if (!s.isObject()) {
      throw new IllegalArgumentException(where + " is not an object");
    }
    String effect = s.path("Effect").asText("");
    Effect e;
    if (effect.equals("Allow")) {
      e = Effect.ALLOW;
    } else if (effect.equals("Deny")) {
      e = Effect.DENY;
    } else {
      throw new IllegalArgumentException(where + ": Effect must be Allow or Deny");
    }
    boolean notAction = !s.has("Action") && s.has("NotAction");
    List<Pattern> actions = patterns(s.get(notAction ? "NotAction" : "Action"), true);
    if (actions.isEmpty()) {
      throw new IllegalArgumentException(where + ": needs Action (or NotAction)");
    }
    boolean notResource = !s.has("Resource") && s.has("NotResource");
    List<Pattern> resources = patterns(s.get(notResource ? "NotResource" : "Resource"), false);
    if (resources.isEmpty()) {
      throw new IllegalArgumentException(where + ": needs Resource (or NotResource)");
    }
    return new Statement(e, actions, notAction, resources, notResource, s.has("Condition"));
  }

  private static List<Pattern> patterns(JsonNode node, boolean ignoreCase) {
    List<Pattern> out = new ArrayList<>();
    if (node == null) {
      return out;
    }
    if (node.isArray()) {
      node.forEach(n -> out.add(wildcard(n.asText(), ignoreCase)));
    } else {
      out.add(wildcard(node.asText(), ignoreCase));
    }
    return out;
  }

  /** An IAM wildcard ({@code *} any run of characters, {@code ?} one) as a regular expression. */
  static Pattern wildcard(String glob, boolean ignoreCase) {
    StringBuilder re = new StringBuilder();
    StringBuilder literal = new StringBuilder();
    for (char c : glob.toCharArray()) {
      if (c == '*' || c == '?') {
        if (literal.length() > 0) {
          re.append(Pattern.quote(literal.toString()));
          literal.setLength(0);
        }
        re.append(c == '*' ? ".*" : ".");
      } else {
        literal.append(c);
      }
    }
    if (literal.length() > 0) {
      re.append(Pattern.quote(literal.toString()));
    }
    return ignoreCase
        ? Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE | Pattern.DOTALL)
        : Pattern.compile(re.toString(), Pattern.DOTALL);
  }

  @Override
  public String toString() {
    return "PolicyDocument[" + statements.size() + " statements]";
  }
}
