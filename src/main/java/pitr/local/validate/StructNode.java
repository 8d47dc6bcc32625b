package pitr.local.validate;

import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.util.DefaultSdkAutoConstructList;
import software.amazon.awssdk.core.util.DefaultSdkAutoConstructMap;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * The check of a structure: its required members and the checks of its members' values. An
 * AttributeValue whose only checked members are M and L is read through its union type.
 */
final class StructNode implements CheckNode {
  MemberCheck[] members;
  boolean containersOnly;
  CheckNode mapValue;
  CheckNode listValue;

  /** The check of an AttributeValue when {@link #containersOnly}: only M and L are read. */
  boolean acceptsAttributeValue(AttributeValue av) {
    AttributeValue.Type type = av.type();
    if (type == AttributeValue.Type.M) {
      return mapValue == null || mapValue.accepts(av.m());
    }
    return type != AttributeValue.Type.L || listValue == null || listValue.accepts(av.l());
  }

  @Override
  public boolean accepts(Object pojo) {
    if (containersOnly && pojo instanceof AttributeValue av) {
      return acceptsAttributeValue(av);
    }
    for (MemberCheck m : members) {
      Object v = present(m.field.getValueOrDefault(pojo));
      if (v == null ? m.required : m.child != null && !m.child.accepts(v)) {
        return false;
      }
    }
    return true;
  }

  @Override
  public void check(Object pojo, MemberPath path, Violations found) {
    if (containersOnly && pojo instanceof AttributeValue av) {
      AttributeValue.Type type = av.type();
      if (type == AttributeValue.Type.M && mapValue != null) {
        mapValue.check(av.m(), MemberPath.of(path, "m"), found);
      } else if (type == AttributeValue.Type.L && listValue != null) {
        listValue.check(av.l(), MemberPath.of(path, "l"), found);
      }
      return;
    }
    for (MemberCheck m : members) {
      Object v = present(m.field.getValueOrDefault(pojo));
      if (v == null) {
        if (m.required) {
          found.add(null, MemberPath.of(path, m.path), "Member must not be null");
        }
      } else if (m.child != null) {
        m.child.check(v, MemberPath.of(path, m.path), found);
      }
    }
  }

  /**
   * The value, or null when the SDK left an absent list or map as its shared auto-construct
   * placeholder. Compared by identity: an {@code instanceof} against the placeholder interfaces is
   * far slower on this path, which runs for every attribute of every item.
   */
  private static Object present(Object value) {
    return value == DefaultSdkAutoConstructList.getInstance()
            || value == DefaultSdkAutoConstructMap.getInstance()
        ? null
        : value;
  }

  /** One member of a structure: where it stands, how the SDK reads it, and its check. */
  record MemberCheck(String path, SdkField<?> field, boolean required, CheckNode child) {}
}
