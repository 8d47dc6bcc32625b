package pitr.cli;

import java.time.Duration;

/** The ranges of the AWS Batch options, as {@link Ranges} holds the others'. */
final class BatchRanges {
  private BatchRanges() {}

  /** {@code batch setup --vcpus}: Fargate's smallest is 0.25, an EC2 instance's largest 192. */
  static final class VCpus extends RangeConverter.Doubles {
    VCpus() {
      super("0.25", "192", false, "");
    }
  }

  /** {@code batch setup --memory}, in MiB: Fargate's smallest is 512. */
  static final class MemoryMib extends RangeConverter.Ints {
    MemoryMib() {
      super(512, 1_048_576);
    }
  }

  /** {@code batch setup --attempts}: Batch allows 1-10. */
  static final class Attempts extends RangeConverter.Ints {
    Attempts() {
      super(1, 10);
    }
  }

  /** {@code batch setup --timeout}: Batch's shortest attempt timeout is 60 s. */
  static final class JobTimeout extends RangeConverter.Spans {
    JobTimeout() {
      super(Duration.ofSeconds(60), Duration.ofDays(14));
    }
  }

  /** {@code --workers}: an array job has 2-10,000 children; 1 submits a single job. */
  static final class Workers extends RangeConverter.Ints {
    Workers() {
      super(1, 10_000);
    }
  }
}
