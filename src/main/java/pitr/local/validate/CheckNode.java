package pitr.local.validate;

/**
 * The check of one value (never null). Two passes: {@link #accepts} decides, allocating nothing and
 * building no path, whether the value meets every constraint, which is the case of nearly every
 * request; only when it may not does {@link #check} walk again to name each violation.
 */
interface CheckNode {
  /** Whether {@code value} surely meets every constraint; false sends it to {@link #check}. */
  boolean accepts(Object value);

  /** Reports every violation in {@code value}, found at {@code path}. */
  void check(Object value, MemberPath path, Violations found);

  /** The check of a request type the model does not constrain: it accepts everything. */
  CheckNode NOTHING =
      new CheckNode() {
        @Override
        public boolean accepts(Object value) {
          return true;
        }

        @Override
        public void check(Object value, MemberPath path, Violations found) {}
      };
}
