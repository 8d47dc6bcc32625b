package pitr.local.validate;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import pitr.local.validate.StructNode.MemberCheck;
import software.amazon.awssdk.core.SdkField;
import software.amazon.awssdk.core.protocol.MarshallingType;
import software.amazon.awssdk.core.traits.ListTrait;
import software.amazon.awssdk.core.traits.MapTrait;

/**
 * Builds the check tree of one request type, pruning what the model leaves unconstrained and what
 * no value of at most {@code bound} characters, bytes, elements or entries can break.
 */
final class CheckTreeCompiler {
  private final Map<String, CheckNode> structs = new HashMap<>();
  private final long bound;

  CheckTreeCompiler(long bound) {
    this.bound = bound;
  }

  CheckNode struct(Shape shape, List<SdkField<?>> fields) {
    CheckNode existing = structs.get(shape.name);
    if (existing != null || structs.containsKey(shape.name)) {
      return existing;
    }
    if (!needsCheck(shape, bound, new HashSet<>())) {
      structs.put(shape.name, null);
      return null;
    }
    StructNode node = new StructNode();
    structs.put(shape.name, node);
    Map<String, SdkField<?>> byName = new HashMap<>();
    for (SdkField<?> f : fields) {
      byName.put(f.memberName(), f);
    }
    List<MemberCheck> members = new ArrayList<>();
    for (Shape.Member m : shape.members) {
      SdkField<?> field = byName.get(m.name());
      if (field == null) {
        continue;
      }
      CheckNode child = value(m.shape(), field);
      if (child != null || m.required()) {
        members.add(new MemberCheck(lowerFirst(m.name()), field, m.required(), child));
      }
    }
    node.members = members.toArray(new MemberCheck[0]);
    // An item holds an AttributeValue per attribute; only its M and L can hold anything the model
    // constrains, so the others are skipped on their union type, without a getter call each.
    node.containersOnly =
        shape.name.equals("AttributeValue")
            && members.stream().allMatch(m -> m.path().equals("m") || m.path().equals("l"))
            && members.stream().noneMatch(MemberCheck::required);
    for (MemberCheck m : members) {
      if (m.path().equals("m")) {
        node.mapValue = m.child();
      } else if (m.path().equals("l")) {
        node.listValue = m.child();
      }
    }
    return node;
  }

  /** The check of a value of {@code shape}, described to the SDK by {@code field}, or null. */
  CheckNode value(Shape shape, SdkField<?> field) {
    return value(shape, field, true);
  }

  /**
   * As {@link #value(Shape, SdkField)}; with {@code own} false the shape's own constraints are left
   * out, for map values, whose own constraints the map reports.
   */
  CheckNode value(Shape shape, SdkField<?> field, boolean own) {
    if (!needsCheck(shape, bound, new HashSet<>())) {
      return null;
    }
    own = own && shape.constrainedWithin(bound);
    MarshallingType<?> type = field.marshallingType();
    if (type == MarshallingType.SDK_POJO) {
      return struct(shape, field.constructor().get().sdkFields());
    }
    if (type == MarshallingType.LIST) {
      SdkField<?> element = field.getRequiredTrait(ListTrait.class).memberFieldInfo();
      boolean scalar = !isContainer(shape.element);
      CheckNode elementNode = scalar ? null : value(shape.element, element);
      List<String> elementRules = scalar ? ConstraintText.constraints(shape.element) : List.of();
      Shape scalarElement = scalar && shape.element.constrainedWithin(bound) ? shape.element : null;
      return new ListNode(shape, own, scalarElement, elementRules, elementNode);
    }
    if (type == MarshallingType.MAP) {
      SdkField<?> valueField = field.getRequiredTrait(MapTrait.class).valueFieldInfo();
      CheckNode valueNode = value(shape.value, valueField, false);
      Shape key = shape.key.constrainedWithin(bound) ? shape.key : null;
      Shape constrainedValue = shape.value.constrainedWithin(bound) ? shape.value : null;
      return new MapNode(
          shape,
          own,
          key,
          ConstraintText.constraints(shape.key),
          constrainedValue,
          ConstraintText.constraints(shape.value),
          valueNode,
          MapNode.keyMaxLength(key, constrainedValue));
    }
    return own ? new ScalarNode(shape) : null;
  }

  private static boolean isContainer(Shape shape) {
    return shape.type.equals("structure") || shape.type.equals("list") || shape.type.equals("map");
  }

  private static boolean needsCheck(Shape shape, long bound, Set<String> visiting) {
    if (shape.constrainedWithin(bound) || !shape.required.isEmpty()) {
      return true;
    }
    if (!visiting.add(shape.name)) {
      return false;
    }
    for (Shape.Member m : shape.members) {
      if (needsCheck(m.shape(), bound, visiting)) {
        return true;
      }
    }
    for (Shape child : new Shape[] {shape.element, shape.key, shape.value}) {
      if (child != null && needsCheck(child, bound, visiting)) {
        return true;
      }
    }
    return false;
  }

  private static String lowerFirst(String name) {
    return Character.toLowerCase(name.charAt(0)) + name.substring(1);
  }
}
