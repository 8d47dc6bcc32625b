package pitr.migrate.api;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An update of top-level attributes of one item: set some, remove others, optionally under a {@link
 * Condition}. Immutable; each method returns a new update.
 *
 * <p>Because it names whole attributes, a dry run can show the exact after image, and the journal
 * records the hash of the image DynamoDB returns.
 */
public final class Update {
  private final Map<String, AttributeValue> sets;
  private final List<String> removes;
  private final Optional<Condition> condition;

  private Update(
      Map<String, AttributeValue> sets, List<String> removes, Optional<Condition> condition) {
    this.sets = sets;
    this.removes = removes;
    this.condition = condition;
  }

  /** An update that sets {@code attribute} to {@code value}. */
  public static Update set(String attribute, AttributeValue value) {
    return new Update(Map.of(), List.of(), Optional.empty()).andSet(attribute, value);
  }

  /** An update that removes {@code attribute}. */
  public static Update remove(String attribute) {
    return new Update(Map.of(), List.of(), Optional.empty()).andRemove(attribute);
  }

  /** This update, also setting {@code attribute} to {@code value}. */
  public Update andSet(String attribute, AttributeValue value) {
    Map<String, AttributeValue> s = new LinkedHashMap<>(sets);
    s.put(attribute, value);
    List<String> r = new ArrayList<>(removes);
    r.remove(attribute);
    return new Update(s, List.copyOf(r), condition);
  }

  /** This update, also removing {@code attribute}. */
  public Update andRemove(String attribute) {
    Map<String, AttributeValue> s = new LinkedHashMap<>(sets);
    s.remove(attribute);
    List<String> r = new ArrayList<>(removes);
    if (!r.contains(attribute)) {
      r.add(attribute);
    }
    return new Update(s, List.copyOf(r), condition);
  }

  /** This update, applied only when {@code c} holds. */
  public Update when(Condition c) {
    return new Update(sets, removes, Optional.of(c));
  }

  /** Attributes set, in order. */
  public Map<String, AttributeValue> sets() {
    return Map.copyOf(sets);
  }

  /** Attributes removed, in order. */
  public List<String> removes() {
    return removes;
  }

  /** The condition, if any. */
  public Optional<Condition> condition() {
    return condition;
  }

  /** The image this update makes of {@code before} (null or empty: a new item of just the key). */
  public Map<String, AttributeValue> applyTo(Map<String, AttributeValue> before) {
    Map<String, AttributeValue> after = before == null ? new HashMap<>() : new HashMap<>(before);
    after.putAll(sets);
    removes.forEach(after::remove);
    return after;
  }

  /**
   * The update expression, e.g. {@code SET #u0 = :u0 REMOVE #u1}; placeholders as in {@link
   * #expressionNames()} and {@link #expressionValues()}.
   */
  public String expression() {
    StringBuilder out = new StringBuilder();
    int i = 0;
    if (!sets.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < sets.size(); k++, i++) {
        parts.add("#u" + i + " = :u" + i);
      }
      out.append("SET ").append(String.join(", ", parts));
    }
    if (!removes.isEmpty()) {
      List<String> parts = new ArrayList<>();
      for (int k = 0; k < removes.size(); k++, i++) {
        parts.add("#u" + i);
      }
      out.append(out.length() == 0 ? "" : " ").append("REMOVE ").append(String.join(", ", parts));
    }
    return out.toString();
  }

  /** Expression attribute names of {@link #expression()}. */
  public Map<String, String> expressionNames() {
    Map<String, String> names = new LinkedHashMap<>();
    int i = 0;
    for (String a : sets.keySet()) {
      names.put("#u" + i++, a);
    }
    for (String a : removes) {
      names.put("#u" + i++, a);
    }
    return names;
  }

  /** Expression attribute values of {@link #expression()}. */
  public Map<String, AttributeValue> expressionValues() {
    Map<String, AttributeValue> values = new LinkedHashMap<>();
    int i = 0;
    for (AttributeValue v : sets.values()) {
      values.put(":u" + i++, v);
    }
    return values;
  }

  @Override
  public String toString() {
    return "Update[set=" + sets.keySet() + ", remove=" + removes + ", condition=" + condition + "]";
  }
}
