package pitr.local.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A projection compiled to a tree of the requested paths, so that projecting {@code a.b} and {@code
 * a.c} copies {@code a} once and keeps only the two keys.
 *
 * <p>Requested list elements keep their relative order and are compacted: projecting {@code l[1]}
 * and {@code l[3]} yields a two-element list.
 */
final class PathProjection implements ProjectionExpression {
  private final Node root = new Node();

  /**
   * @param paths non-overlapping paths, as the parser guarantees
   */
  PathProjection(List<DocumentPath> paths) {
    for (DocumentPath path : paths) {
      Node node = root;
      for (DocumentPath.Element e : path.elements()) {
        node =
            e.isIndex()
                ? node.indexes.computeIfAbsent(e.index(), k -> new Node())
                : node.keys.computeIfAbsent(e.name(), k -> new Node());
      }
      node.whole = true;
    }
  }

  @Override
  public Map<String, AttributeValue> apply(Map<String, AttributeValue> item) {
    Map<String, AttributeValue> out = new LinkedHashMap<>();
    for (Map.Entry<String, Node> e : root.keys.entrySet()) {
      AttributeValue v = item.get(e.getKey());
      AttributeValue projected = v == null ? null : project(v, e.getValue());
      if (projected != null) {
        out.put(e.getKey(), projected);
      }
    }
    return out;
  }

  private static AttributeValue project(AttributeValue value, Node node) {
    if (node.whole) {
      return value;
    }
    if (!node.keys.isEmpty()) {
      if (value.type() != AttributeValue.Type.M) {
        return null;
      }
      Map<String, AttributeValue> out = new LinkedHashMap<>();
      for (Map.Entry<String, Node> e : node.keys.entrySet()) {
        AttributeValue child = value.m().get(e.getKey());
        AttributeValue projected = child == null ? null : project(child, e.getValue());
        if (projected != null) {
          out.put(e.getKey(), projected);
        }
      }
      return out.isEmpty() ? null : AttributeValue.fromM(out);
    }
    if (value.type() != AttributeValue.Type.L) {
      return null;
    }
    List<AttributeValue> list = value.l();
    List<AttributeValue> out = new ArrayList<>();
    for (Map.Entry<Integer, Node> e : node.indexes.entrySet()) {
      if (e.getKey() >= list.size()) {
        break;
      }
      AttributeValue projected = project(list.get(e.getKey()), e.getValue());
      if (projected != null) {
        out.add(projected);
      }
    }
    return out.isEmpty() ? null : AttributeValue.fromL(out);
  }

  private static final class Node {
    boolean whole;
    final Map<String, Node> keys = new LinkedHashMap<>();
    final TreeMap<Integer, Node> indexes = new TreeMap<>();
  }
}
