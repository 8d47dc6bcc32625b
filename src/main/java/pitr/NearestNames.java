package pitr;

import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.UnaryOperator;

/** The names nearest a mistyped one, for "did you mean" in a message: by edit distance. */
public final class NearestNames {
  private NearestNames() {}

  /**
   * Up to {@code limit} of {@code names} within a few edits of {@code wanted} (at most 2, or half
   * its length), nearest first, ties by name; letter case is ignored. A name scores its distance or
   * its {@code alias}'s, whichever is nearer (a migration {@code 0001_cars} is also {@code cars}).
   */
  public static List<String> of(
      String wanted, Collection<String> names, int limit, UnaryOperator<String> alias) {
    record Scored(String name, int distance) {}
    String w = wanted.toLowerCase(Locale.ROOT);
    return names.stream()
        .map(
            n -> {
              String l = n.toLowerCase(Locale.ROOT);
              return new Scored(n, Math.min(distance(w, l), distance(w, alias.apply(l))));
            })
        .filter(s -> s.distance() <= Math.max(2, wanted.length() / 2))
        .sorted(Comparator.comparingInt(Scored::distance).thenComparing(Scored::name))
        .limit(limit)
        .map(Scored::name)
        .toList();
  }

  /**
   * {@code did you mean a or b?} for the names {@link #of} found, or nothing when it found none.
   */
  public static String question(List<String> near) {
    return near.isEmpty() ? "" : "did you mean " + String.join(" or ", near) + "?";
  }

  /**
   * {@code " (did you mean X?)"} for the one of {@code names} nearest {@code wanted}, or nothing.
   */
  public static String aside(String wanted, Collection<String> names) {
    String q = question(of(wanted, names, 1, n -> n));
    return q.isEmpty() ? "" : " (" + q + ")";
  }

  /** The Levenshtein distance of {@code a} and {@code b}: insertions, deletions, substitutions. */
  public static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
