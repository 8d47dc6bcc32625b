package pitr.copy;

import pitr.ErrorCode;
import pitr.PitrException;

/**
 * This process's share of the segments: worker {@code index} of {@code count} takes every segment
 * {@code s} with {@code s % count == index - 1}.
 *
 * @param index 1-based worker number
 * @param count number of workers
 */
public record Worker(int index, int count) {
  /** The only worker. */
  public static final Worker ALL = new Worker(1, 1);

  public Worker {
    if (count < 1 || index < 1 || index > count) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--worker "
              + index
              + "/"
              + count
              + " is invalid; pass I/N with 1 <= I <= N, e.g. --worker 1/3");
    }
  }

  /** Parses {@code I/N}. */
  public static Worker parse(String text) {
    String[] parts = text.trim().split("/");
    try {
      if (parts.length == 2) {
        return new Worker(Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()));
      }
    } catch (NumberFormatException e) {
      // fall through
    }
    throw new PitrException(
        ErrorCode.USAGE, "--worker " + text + " is invalid; pass I/N, e.g. --worker 1/3");
  }

  /** True when segment {@code s} is this worker's. */
  public boolean owns(int segment) {
    return segment % count == index - 1;
  }

  @Override
  public String toString() {
    return index + "/" + count;
  }
}
