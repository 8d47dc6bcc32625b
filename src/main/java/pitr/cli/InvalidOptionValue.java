package pitr.cli;

import picocli.CommandLine.TypeConversionException;

/**
 * A value a converter refused, with a message that goes on from the option's name: "is out of
 * range; pass 1-1,000". {@link UsageErrorHandler} puts the name in front ("error: --concurrency
 * 100000000 is out of range; pass 1-1,000") and exits with {@link pitr.ErrorCode#USAGE}, before the
 * command runs.
 */
final class InvalidOptionValue extends TypeConversionException {
  private static final long serialVersionUID = 1L;

  /**
   * @param message the rest of the sentence after the option's name: the value and the problem
   *     first, then what to pass instead
   */
  InvalidOptionValue(String message) {
    super(message);
  }
}
