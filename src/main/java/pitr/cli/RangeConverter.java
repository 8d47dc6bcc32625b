package pitr.cli;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.Locale;
import picocli.CommandLine.ITypeConverter;
import pitr.dynamo.Durations;

/**
 * The one way a numeric or duration option is read: the text is parsed strictly and refused, at
 * parse time and before the command does anything, unless it lies in the option's range. Every such
 * option names a subclass from {@link Ranges} in its {@code converter} attribute and states the
 * same {@link #range()} in its description; {@code NumericOptionsTest} walks the command tree and
 * fails on any that does not.
 *
 * <p>Numbers are decimal only: {@code NaN}, {@code Infinity}, hexadecimal and Java suffixes such as
 * {@code 1d} are refused, and so is a fraction where a whole number is needed. Durations have one
 * syntax everywhere, that of {@link Durations#parse}: {@code 90s}, {@code 15m}, {@code 2h}, {@code
 * 1d}, {@code 1h30m}, {@code 500ms}, or ISO-8601 such as {@code PT2H}, and a bare {@code 0}, zero
 * in any unit; a negative one is refused.
 *
 * @param <T> the type the option's field holds
 */
abstract class RangeConverter<T> implements ITypeConverter<T> {
  /** The allowed values as the option's description and messages state them, e.g. "1-1,000". */
  abstract String range();

  /** A refusal of {@code text}: "TEXT is PROBLEM; pass RANGE" and the converter's note. */
  InvalidOptionValue refused(String text, String problem, String note) {
    String shown = text.isBlank() ? "'" + text + "'" : text;
    return new InvalidOptionValue(shown + " is " + problem + "; pass " + range() + note);
  }

  /** A number from {@code min} to {@code max}, a whole one when {@code whole}. */
  abstract static class Numbers<T> extends RangeConverter<T> {
    private final BigDecimal min;
    private final BigDecimal max;
    private final boolean whole;
    private final String note;

    /**
     * @param note what follows the range in a refusal and in the description, e.g. " (0 = no cap)";
     *     empty for none
     */
    Numbers(BigDecimal min, BigDecimal max, boolean whole, String note) {
      this.min = min;
      this.max = max;
      this.whole = whole;
      this.note = note;
    }

    /** The field's value for a number already checked to be in range. */
    abstract T value(BigDecimal number);

    @Override
    String range() {
      return format(min) + "-" + format(max);
    }

    @Override
    public T convert(String text) {
      String t = text.strip();
      String kind = whole ? "a whole number" : "a number";
      if (t.isEmpty()) {
        throw refused(text, "empty", note);
      }
      if (t.matches("(?i)[+-]?inf(inity)?")) {
        throw refused(text, "out of range", note);
      }
      if (t.matches("(?i)[+-]?nan")) {
        throw refused(text, "not a number", note);
      }
      BigDecimal number;
      try {
        number = new BigDecimal(t);
      } catch (NumberFormatException e) {
        throw refused(text, "not " + kind, note);
      }
      if (whole && number.stripTrailingZeros().scale() > 0) {
        throw refused(text, "not " + kind, note);
      }
      if (number.compareTo(min) < 0 || number.compareTo(max) > 0) {
        throw refused(text, "out of range", note);
      }
      return value(number);
    }

    static String format(BigDecimal n) {
      BigDecimal plain = n.stripTrailingZeros();
      return plain.scale() <= 0
          ? String.format(Locale.ROOT, "%,d", plain.toBigIntegerExact())
          : plain.toPlainString();
    }
  }

  /** A whole number for an {@code int} field. */
  abstract static class Ints extends Numbers<Integer> {
    Ints(int min, int max, String note) {
      super(BigDecimal.valueOf(min), BigDecimal.valueOf(max), true, note);
    }

    Ints(int min, int max) {
      this(min, max, "");
    }

    @Override
    Integer value(BigDecimal number) {
      return number.intValueExact();
    }
  }

  /** A whole number for a {@code long} field. */
  abstract static class Longs extends Numbers<Long> {
    Longs(long min, long max, String note) {
      super(BigDecimal.valueOf(min), BigDecimal.valueOf(max), true, note);
    }

    Longs(long min, long max) {
      this(min, max, "");
    }

    @Override
    Long value(BigDecimal number) {
      return number.longValueExact();
    }
  }

  /** A decimal number for a {@code double} field. */
  abstract static class Doubles extends Numbers<Double> {
    Doubles(String min, String max, boolean whole, String note) {
      super(new BigDecimal(min), new BigDecimal(max), whole, note);
    }

    @Override
    Double value(BigDecimal number) {
      return number.doubleValue();
    }
  }

  /** A duration from {@code min} to {@code max}, for a {@link Duration} field. */
  abstract static class Spans extends RangeConverter<Duration> {
    static final String SYNTAX = " (durations look like 90s, 15m, 2h, 1d or PT2H)";
    static final String IN_DAYS =
        " (durations look like 90s, 15m, 2h, 1d or PT2H; count weeks, months and years in days,"
            + " e.g. 180d)";

    private final Duration min;
    private final Duration max;

    Spans(Duration min, Duration max) {
      this.min = min;
      this.max = max;
    }

    @Override
    String range() {
      return (min.isZero() ? "0s" : Durations.format(min)) + "-" + Durations.format(max);
    }

    @Override
    public Duration convert(String text) {
      String t = text.strip();
      if (t.isEmpty()) {
        throw refused(text, "empty", SYNTAX);
      }
      if (t.startsWith("-")) {
        throw refused(text, "negative", "");
      }
      Duration d;
      try {
        d = t.equals("0") ? Duration.ZERO : Durations.parse(t);
      } catch (RuntimeException e) {
        throw refused(text, "not a duration", t.matches("(?i)\\d+(w|mo|y)") ? IN_DAYS : SYNTAX);
      }
      if (d.isNegative()) {
        throw refused(text, "negative", "");
      }
      if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
        throw refused(text, "out of range", "");
      }
      return d;
    }
  }
}
