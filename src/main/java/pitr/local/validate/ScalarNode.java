package pitr.local.validate;

/** A check of a scalar's own constraints. */
record ScalarNode(Shape shape) implements CheckNode {
  @Override
  public boolean accepts(Object value) {
    return shape.accepts(value);
  }

  @Override
  public void check(Object value, MemberPath path, Violations found) {
    found.addBreaches(shape, value, path);
  }
}
