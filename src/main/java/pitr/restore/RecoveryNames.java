package pitr.restore;

/**
 * The names pitr gives recovery tables: {@code <source>-recovery-<id>}, the source's name cut short
 * where the whole would pass DynamoDB's 255 characters. The IAM policies pitr prints grant on that
 * pattern, and checks that pass over tables they may not read still read those that may be one.
 */
public final class RecoveryNames {
  private static final String INFIX = "-recovery-";
  private static final int MAX_TABLE_NAME = 255;

  private RecoveryNames() {}

  /** The recovery table {@code id} of {@code source}. */
  public static String of(String source, String id) {
    String suffix = INFIX + id;
    return (source.length() + suffix.length() > MAX_TABLE_NAME
            ? source.substring(0, MAX_TABLE_NAME - suffix.length())
            : source)
        + suffix;
  }

  /** Whether {@code table} is named as {@link #of} names a recovery table of {@code source}. */
  public static boolean mayBeOf(String table, String source) {
    if (table.startsWith(source + INFIX)) {
      return true;
    }
    // A source cut short: the name is as long as a name may be, and what precedes one of its
    // "-recovery-" is the start of the source's name.
    if (table.length() != MAX_TABLE_NAME) {
      return false;
    }
    for (int at = table.indexOf(INFIX); at > 0; at = table.indexOf(INFIX, at + 1)) {
      if (at < source.length() && source.startsWith(table.substring(0, at))) {
        return true;
      }
    }
    return false;
  }
}
