package pitr.local.validate;

import java.util.List;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The check of a list: its own constraints, one report for any scalar element that breaks its
 * shape, and each container element's check at {@code path.<n>.member}.
 */
record ListNode(
    Shape shape, boolean own, Shape scalarElement, List<String> elementRules, CheckNode element)
    implements CheckNode {
  @Override
  public boolean accepts(Object value) {
    if (own && !shape.accepts(value)) {
      return false;
    }
    List<?> list = (List<?>) value;
    boolean scalars = scalarElement != null && scalarElement.constrained();
    if (!scalars && element == null) {
      return true;
    }
    int n = list.size();
    if (!scalars && element instanceof StructNode struct && struct.containersOnly) {
      for (int i = 0; i < n; i++) {
        if (list.get(i) instanceof AttributeValue av && !struct.acceptsAttributeValue(av)) {
          return false;
        }
      }
      return true;
    }
    for (int i = 0; i < n; i++) {
      Object e = list.get(i);
      if (e != null
          && (scalars ? !scalarElement.accepts(e) : element != null && !element.accepts(e))) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void check(Object value, MemberPath path, Violations found) {
    if (own) {
      found.addBreaches(shape, value, path);
    }
    List<?> list = (List<?>) value;
    if (scalarElement != null && scalarElement.constrained()) {
      for (Object e : list) {
        if (e != null && ConstraintText.broken(scalarElement, e)) {
          found.add(
              value,
              path,
              "Member must satisfy constraint: [" + String.join(", ", elementRules) + "]");
          break;
        }
      }
    }
    if (element != null) {
      for (int i = 0; i < list.size(); i++) {
        Object e = list.get(i);
        if (e != null) {
          element.check(e, MemberPath.member(path, i + 1), found);
        }
      }
    }
  }
}
