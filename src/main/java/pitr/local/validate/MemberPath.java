package pitr.local.validate;

/** A member path, built as a chain and rendered only when a violation is reported. */
record MemberPath(MemberPath parent, Object segment, boolean member) {
  static MemberPath of(MemberPath parent, String segment) {
    return new MemberPath(parent, segment, false);
  }

  /** A list element or map value: {@code parent.<index or key>.member}, as DynamoDB names it. */
  static MemberPath member(MemberPath parent, Object indexOrKey) {
    return new MemberPath(parent, indexOrKey, true);
  }

  @Override
  public String toString() {
    String here = member ? segment + ".member" : String.valueOf(segment);
    return parent == null ? here : parent + "." + here;
  }
}
