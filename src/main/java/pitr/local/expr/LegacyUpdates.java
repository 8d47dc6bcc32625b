package pitr.local.expr;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.AttributeValueUpdate;

/**
 * Translates UpdateItem's legacy {@code AttributeUpdates} into the update an UpdateExpression
 * parses into: PUT is a SET, DELETE without a value a REMOVE, DELETE with a set value a DELETE of
 * its elements, ADD of a number or set an ADD, and ADD of a list an append (SET a =
 * list_append(if_not_exists(a, []), :v)), each after DynamoDB's checks of the action against the
 * value's type.
 */
public final class LegacyUpdates {
  private LegacyUpdates() {}

  /** The update of an {@code AttributeUpdates} map; null when the map is null or empty. */
  public static UpdateExpression of(Map<String, AttributeValueUpdate> updates) {
    if (updates == null || updates.isEmpty()) {
      return null;
    }
    List<ParsedUpdate.SetAction> sets = new ArrayList<>();
    List<DocumentPath> removes = new ArrayList<>();
    Map<DocumentPath, AttributeValue> adds = new LinkedHashMap<>();
    Map<DocumentPath, AttributeValue> deletes = new LinkedHashMap<>();
    List<DocumentPath> targets = new ArrayList<>();
    for (Map.Entry<String, AttributeValueUpdate> e : updates.entrySet()) {
      String name = e.getKey();
      AttributeValueUpdate u = e.getValue();
      String action = u.actionAsString() == null ? "PUT" : u.actionAsString();
      AttributeValue value = u.value();
      if (value != null) {
        LegacyConditions.checkValues(List.of(value));
      }
      if (value == null && !action.equals("DELETE")) {
        throw new ExpressionException(
            LegacyConditions.INVALID
                + "Only DELETE action is allowed when no attribute value is specified");
      }
      DocumentPath path = LegacyConditions.topLevel(name);
      String type = value == null ? null : AttributeValues.typeName(value);
      switch (action) {
        case "PUT" -> sets.add(new ParsedUpdate.SetAction(path, constant(name, value)));
        case "DELETE" -> {
          if (value == null) {
            removes.add(path);
          } else if (isSet(type)) {
            deletes.put(path, value);
          } else {
            throw new ExpressionException(
                LegacyConditions.INVALID
                    + "DELETE action with value is not supported for the type "
                    + type);
          }
        }
        case "ADD" -> {
          if (type.equals("N") || isSet(type)) {
            adds.put(path, value);
          } else if (type.equals("L")) {
            Operand current =
                new Operand.IfNotExists(path, constant(name, AttributeValue.fromL(List.of())));
            sets.add(
                new ParsedUpdate.SetAction(
                    path, new Operand.ListAppend(current, constant(name, value))));
          } else {
            throw new ExpressionException(
                LegacyConditions.INVALID + "ADD action is not supported for the type " + type);
          }
        }
        default ->
            throw new ExpressionException(
                "1 validation error detected: Value '"
                    + action
                    + "' at 'attributeUpdates."
                    + name
                    + ".member.action' failed to satisfy constraint: Member must satisfy enum"
                    + " value set: [ADD, PUT, DELETE]");
      }
      targets.add(path);
    }
    return new TypeChecked(new ParsedUpdate(sets, removes, adds, deletes, targets));
  }

  /**
   * The update with DynamoDB's AttributeUpdates message for an ADD or DELETE whose value's type
   * does not match the attribute's, where an UpdateExpression says its operand has the wrong type.
   */
  private record TypeChecked(UpdateExpression update) implements UpdateExpression {
    @Override
    public Map<String, AttributeValue> apply(Map<String, AttributeValue> item) {
      try {
        return update.apply(item);
      } catch (ExpressionException e) {
        if (e.getMessage().equals(Operand.incorrectType().getMessage())) {
          throw new ExpressionException("Type mismatch for attribute to update");
        }
        throw e;
      }
    }

    @Override
    public java.util.Set<String> topLevelAttributes() {
      return update.topLevelAttributes();
    }

    @Override
    public ProjectionExpression updatedPaths() {
      return update.updatedPaths();
    }
  }

  private static boolean isSet(String type) {
    return type.equals("SS") || type.equals("NS") || type.equals("BS");
  }

  private static Operand constant(String name, AttributeValue value) {
    return LegacyConditions.constant(name, value);
  }
}
