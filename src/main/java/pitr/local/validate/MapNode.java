package pitr.local.validate;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The check of a map: its own constraints, one report each for any key or value that breaks its
 * shape, and each container value's check at {@code path.<key>.member}.
 */
record MapNode(
    Shape shape,
    boolean own,
    Shape key,
    List<String> keyRules,
    Shape constrainedValue,
    List<String> valueRules,
    CheckNode value,
    long keyMaxLength)
    implements CheckNode {
  /**
   * The longest key an item map's entry may have to take the fast path of {@link #acceptsEntry}:
   * none (-1) when the values have constraints of their own, else the key's length limit when that
   * is its only constraint.
   */
  static long keyMaxLength(Shape key, Shape constrainedValue) {
    return constrainedValue != null
        ? -1
        : key == null ? Long.MAX_VALUE : key.maxLengthIfOnlyConstraint();
  }

  @Override
  public boolean accepts(Object v) {
    if (own && !shape.accepts(v)) {
      return false;
    }
    if (key == null && constrainedValue == null && value == null) {
      return true;
    }
    Scan scan = new Scan(this);
    ((Map<?, ?>) v).forEach(scan);
    return scan.ok;
  }

  boolean acceptsEntry(Object k, Object e) {
    // Item maps, the bulk of most requests, take the monomorphic path: names of at most the
    // model's length, and attribute values of which only M and L can hold anything constrained.
    if (k instanceof String name
        && name.length() <= keyMaxLength
        && e instanceof AttributeValue av
        && value instanceof StructNode struct
        && struct.containersOnly) {
      return struct.acceptsAttributeValue(av);
    }
    return (k == null || key == null || key.accepts(k))
        && (e == null
            || (constrainedValue == null || constrainedValue.accepts(e))
                && (value == null || value.accepts(e)));
  }

  @Override
  public void check(Object v, MemberPath path, Violations found) {
    if (own) {
      found.addBreaches(shape, v, path);
    }
    Map<?, ?> map = (Map<?, ?>) v;
    if (key != null) {
      for (Object k : map.keySet()) {
        if (k != null && ConstraintText.broken(key, k)) {
          found.add(
              v, path, "Map keys must satisfy constraint: [" + String.join(", ", keyRules) + "]");
          break;
        }
      }
    }
    if (constrainedValue != null) {
      for (Object e : map.values()) {
        if (e != null && ConstraintText.broken(constrainedValue, e)) {
          found.add(
              v,
              path,
              "Map value must satisfy constraint: [" + String.join(", ", valueRules) + "]");
          break;
        }
      }
    }
    if (value != null) {
      for (Map.Entry<?, ?> e : map.entrySet()) {
        if (e.getValue() != null) {
          value.check(e.getValue(), MemberPath.member(path, e.getKey()), found);
        }
      }
    }
  }

  /**
   * One pass over a map's entries through {@link Map#forEach}, which reads the SDK's unmodifiable
   * maps without an iterator or entry wrapper; the JIT keeps the scan itself off the heap.
   */
  private static final class Scan implements java.util.function.BiConsumer<Object, Object> {
    private final MapNode node;
    boolean ok = true;

    Scan(MapNode node) {
      this.node = node;
    }

    @Override
    public void accept(Object k, Object e) {
      if (ok && !node.acceptsEntry(k, e)) {
        ok = false;
      }
    }
  }
}
