package pitr.cli;

import picocli.CommandLine.Option;

/** {@code --new-run} of {@code migrate dev|prod|submit}. */
final class NewRunOption {
  @Option(
      names = "--new-run",
      description =
          "Start a new run even though the latest run of this migration did not finish (by"
              + " default that is refused: the new run would apply the migration again to the"
              + " items the unfinished run changed; continue it with migrate resume instead).")
  boolean newRun;
}
