package pitr.local.expr;

import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * A resolved document path such as {@code a.b[2].c}: placeholders are already replaced by the names
 * they stand for, so evaluation is a plain walk.
 */
record DocumentPath(List<Element> elements) {

  /** One step of a path: a map key, or a list index when {@code name} is null. */
  record Element(String name, int index) {
    static Element key(String name) {
      return new Element(name, -1);
    }

    static Element index(int index) {
      return new Element(null, index);
    }

    boolean isIndex() {
      return name == null;
    }

    @Override
    public String toString() {
      return isIndex() ? "[" + index + "]" : name;
    }
  }

  DocumentPath {
    elements = List.copyOf(elements);
  }

  /** The top-level attribute name; a path always starts with one. */
  String topLevel() {
    return elements.get(0).name();
  }

  int length() {
    return elements.size();
  }

  Element get(int i) {
    return elements.get(i);
  }

  /** The value at this path, or null when any step is missing or of the wrong type. */
  AttributeValue resolve(Map<String, AttributeValue> item) {
    AttributeValue current = item.get(topLevel());
    for (int i = 1; i < elements.size() && current != null; i++) {
      current = step(current, elements.get(i));
    }
    return current;
  }

  static AttributeValue step(AttributeValue container, Element e) {
    if (e.isIndex()) {
      if (container.type() != AttributeValue.Type.L) {
        return null;
      }
      List<AttributeValue> list = container.l();
      return e.index() < list.size() ? list.get(e.index()) : null;
    }
    if (container.type() != AttributeValue.Type.M) {
      return null;
    }
    return container.m().get(e.name());
  }

  /**
   * How two paths relate when both are written by one expression: null when they are independent,
   * otherwise the DynamoDB message naming the overlap or the conflict.
   */
  static String clash(DocumentPath one, DocumentPath two) {
    int common = Math.min(one.length(), two.length());
    for (int i = 0; i < common; i++) {
      Element a = one.get(i);
      Element b = two.get(i);
      if (a.isIndex() != b.isIndex()) {
        return "Two document paths conflict with each other; must remove or rewrite one of these"
            + " paths; path one: "
            + one
            + ", path two: "
            + two;
      }
      if (!a.equals(b)) {
        return null;
      }
    }
    return "Two document paths overlap with each other; must remove or rewrite one of these paths;"
        + " path one: "
        + one
        + ", path two: "
        + two;
  }

  /** DynamoDB's rendering in messages: {@code [a, b, [2]]}. */
  @Override
  public String toString() {
    return elements.toString();
  }
}
