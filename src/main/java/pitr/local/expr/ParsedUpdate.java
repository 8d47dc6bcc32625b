package pitr.local.expr;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.core.SdkBytes;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * An update expression ready to apply: SET, REMOVE, ADD and DELETE actions over paths that the
 * parser has checked do not overlap.
 *
 * <p>Every SET operand is evaluated against the item as it was before the update, so {@code SET a =
 * b, b = a} swaps. Then SET, REMOVE, ADD and DELETE are applied in that order; REMOVE of list
 * elements goes from the highest index down so that each index names the element it named in the
 * original item.
 */
final class ParsedUpdate implements UpdateExpression {

  record SetAction(DocumentPath path, Operand value) {}

  private final List<SetAction> sets;
  private final List<DocumentPath> removes;
  private final Map<DocumentPath, AttributeValue> adds;
  private final Map<DocumentPath, AttributeValue> deletes;
  private final Set<String> topLevel;
  private final ProjectionExpression updatedPaths;

  ParsedUpdate(
      List<SetAction> sets,
      List<DocumentPath> removes,
      Map<DocumentPath, AttributeValue> adds,
      Map<DocumentPath, AttributeValue> deletes,
      List<DocumentPath> targets) {
    this.sets = List.copyOf(sets);
    List<DocumentPath> sortedRemoves = new ArrayList<>(removes);
    sortedRemoves.sort(ParsedUpdate::highestIndexFirst);
    this.removes = List.copyOf(sortedRemoves);
    this.adds = Collections.unmodifiableMap(new LinkedHashMap<>(adds));
    this.deletes = Collections.unmodifiableMap(new LinkedHashMap<>(deletes));
    Set<String> names = new LinkedHashSet<>();
    for (DocumentPath target : targets) {
      names.add(target.topLevel());
    }
    this.topLevel = Collections.unmodifiableSet(names);
    this.updatedPaths = new PathProjection(targets);
  }

  @Override
  public Map<String, AttributeValue> apply(Map<String, AttributeValue> item) {
    List<AttributeValue> newValues = new ArrayList<>(sets.size());
    for (SetAction set : sets) {
      newValues.add(Operand.required(set.value().eval(item)));
    }
    Map<String, AttributeValue> result = new LinkedHashMap<>(item);
    for (int i = 0; i < sets.size(); i++) {
      write(result, sets.get(i).path(), newValues.get(i));
    }
    for (DocumentPath path : removes) {
      remove(result, path);
    }
    for (Map.Entry<DocumentPath, AttributeValue> add : adds.entrySet()) {
      AttributeValue current = add.getKey().resolve(result);
      write(result, add.getKey(), current == null ? add.getValue() : add(current, add.getValue()));
    }
    for (Map.Entry<DocumentPath, AttributeValue> delete : deletes.entrySet()) {
      checkParent(result, delete.getKey());
      AttributeValue current = delete.getKey().resolve(result);
      if (current == null) {
        continue;
      }
      AttributeValue remaining = subtract(current, delete.getValue());
      if (remaining == null) {
        remove(result, delete.getKey());
      } else {
        write(result, delete.getKey(), remaining);
      }
    }
    return result;
  }

  @Override
  public Set<String> topLevelAttributes() {
    return topLevel;
  }

  @Override
  public ProjectionExpression updatedPaths() {
    return updatedPaths;
  }

  private static void write(
      Map<String, AttributeValue> item, DocumentPath path, AttributeValue value) {
    if (path.length() == 1) {
      item.put(path.topLevel(), value);
      return;
    }
    AttributeValue top = item.get(path.topLevel());
    if (top == null) {
      throw invalidPath();
    }
    item.put(path.topLevel(), writeInto(top, path, 1, value));
  }

  /** Copies the containers along the path, so values shared with the input stay untouched. */
  private static AttributeValue writeInto(
      AttributeValue container, DocumentPath path, int i, AttributeValue value) {
    DocumentPath.Element e = path.get(i);
    boolean last = i == path.length() - 1;
    if (e.isIndex()) {
      if (container.type() != AttributeValue.Type.L) {
        throw invalidPath();
      }
      List<AttributeValue> list = new ArrayList<>(container.l());
      if (last) {
        if (e.index() < list.size()) {
          list.set(e.index(), value);
        } else {
          list.add(value);
        }
      } else {
        if (e.index() >= list.size()) {
          throw invalidPath();
        }
        list.set(e.index(), writeInto(list.get(e.index()), path, i + 1, value));
      }
      return AttributeValue.fromL(list);
    }
    if (container.type() != AttributeValue.Type.M) {
      throw invalidPath();
    }
    Map<String, AttributeValue> map = new LinkedHashMap<>(container.m());
    if (last) {
      map.put(e.name(), value);
    } else {
      AttributeValue child = map.get(e.name());
      if (child == null) {
        throw invalidPath();
      }
      map.put(e.name(), writeInto(child, path, i + 1, value));
    }
    return AttributeValue.fromM(map);
  }

  private static void remove(Map<String, AttributeValue> item, DocumentPath path) {
    if (path.length() == 1) {
      item.remove(path.topLevel());
      return;
    }
    AttributeValue top = item.get(path.topLevel());
    if (top == null) {
      throw invalidPath();
    }
    item.put(path.topLevel(), removeFrom(top, path, 1));
  }

  /**
   * DynamoDB refuses to remove or delete under a parent that is missing or of the wrong kind; only
   * the last element itself may be absent (then the action does nothing).
   */
  private static void checkParent(Map<String, AttributeValue> item, DocumentPath path) {
    if (path.length() == 1) {
      return;
    }
    AttributeValue container = item.get(path.topLevel());
    for (int i = 1; i < path.length(); i++) {
      DocumentPath.Element e = path.get(i);
      AttributeValue.Type wanted = e.isIndex() ? AttributeValue.Type.L : AttributeValue.Type.M;
      if (container == null || container.type() != wanted) {
        throw invalidPath();
      }
      container = DocumentPath.step(container, e);
    }
  }

  /** Returns the container without the element, or the container itself when nothing is there. */
  private static AttributeValue removeFrom(AttributeValue container, DocumentPath path, int i) {
    DocumentPath.Element e = path.get(i);
    boolean last = i == path.length() - 1;
    if (e.isIndex()) {
      if (container.type() != AttributeValue.Type.L) {
        throw invalidPath();
      }
      if (e.index() >= container.l().size()) {
        if (!last) {
          throw invalidPath();
        }
        return container;
      }
      List<AttributeValue> list = new ArrayList<>(container.l());
      if (last) {
        list.remove(e.index());
      } else {
        list.set(e.index(), removeFrom(list.get(e.index()), path, i + 1));
      }
      return AttributeValue.fromL(list);
    }
    if (container.type() != AttributeValue.Type.M) {
      throw invalidPath();
    }
    AttributeValue child = container.m().get(e.name());
    if (child == null) {
      if (!last) {
        throw invalidPath();
      }
      return container;
    }
    Map<String, AttributeValue> map = new LinkedHashMap<>(container.m());
    if (last) {
      map.remove(e.name());
    } else {
      map.put(e.name(), removeFrom(child, path, i + 1));
    }
    return AttributeValue.fromM(map);
  }

  private static AttributeValue add(AttributeValue current, AttributeValue operand) {
    if (current.type() != operand.type()) {
      throw Operand.incorrectType();
    }
    return switch (current.type()) {
      case N -> Operand.number(new BigDecimal(current.n()).add(new BigDecimal(operand.n())));
      case SS -> {
        Set<String> union = new LinkedHashSet<>(current.ss());
        union.addAll(operand.ss());
        yield AttributeValue.fromSs(new ArrayList<>(union));
      }
      case NS -> {
        List<String> union = new ArrayList<>(current.ns());
        Set<BigDecimal> seen = numbers(current.ns());
        for (String n : operand.ns()) {
          if (seen.add(new BigDecimal(n).stripTrailingZeros())) {
            union.add(n);
          }
        }
        yield AttributeValue.fromNs(union);
      }
      case BS -> {
        Set<SdkBytes> union = new LinkedHashSet<>(current.bs());
        union.addAll(operand.bs());
        yield AttributeValue.fromBs(new ArrayList<>(union));
      }
      default -> throw Operand.incorrectType();
    };
  }

  /** The set minus the operand's elements; null when nothing is left. */
  private static AttributeValue subtract(AttributeValue current, AttributeValue operand) {
    if (current.type() != operand.type()) {
      throw Operand.incorrectType();
    }
    AttributeValue rest =
        switch (current.type()) {
          case SS -> {
            Set<String> gone = new HashSet<>(operand.ss());
            yield AttributeValue.fromSs(
                current.ss().stream().filter(s -> !gone.contains(s)).toList());
          }
          case NS -> {
            Set<BigDecimal> gone = numbers(operand.ns());
            yield AttributeValue.fromNs(
                current.ns().stream()
                    .filter(n -> !gone.contains(new BigDecimal(n).stripTrailingZeros()))
                    .toList());
          }
          case BS -> {
            Set<SdkBytes> gone = new HashSet<>(operand.bs());
            yield AttributeValue.fromBs(
                current.bs().stream().filter(b -> !gone.contains(b)).toList());
          }
          default -> throw Operand.incorrectType();
        };
    boolean empty =
        switch (rest.type()) {
          case SS -> rest.ss().isEmpty();
          case NS -> rest.ns().isEmpty();
          default -> rest.bs().isEmpty();
        };
    return empty ? null : rest;
  }

  private static Set<BigDecimal> numbers(List<String> ns) {
    Set<BigDecimal> out = new HashSet<>();
    for (String n : ns) {
      out.add(new BigDecimal(n).stripTrailingZeros());
    }
    return out;
  }

  private static int highestIndexFirst(DocumentPath a, DocumentPath b) {
    int common = Math.min(a.length(), b.length());
    for (int i = 0; i < common; i++) {
      DocumentPath.Element x = a.get(i);
      DocumentPath.Element y = b.get(i);
      if (x.equals(y)) {
        continue;
      }
      if (x.isIndex() && y.isIndex()) {
        return Integer.compare(y.index(), x.index());
      }
      if (!x.isIndex() && !y.isIndex()) {
        return x.name().compareTo(y.name());
      }
      return Boolean.compare(x.isIndex(), y.isIndex());
    }
    return Integer.compare(a.length(), b.length());
  }

  private static ExpressionException invalidPath() {
    return new ExpressionException(
        "The document path provided in the update expression is invalid for update");
  }
}
