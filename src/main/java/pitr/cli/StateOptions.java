package pitr.cli;

import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Option;
import pitr.copy.Checkpoints;
import pitr.copy.FileCheckpoints;
import pitr.copy.TableCheckpoints;
import pitr.dynamo.DynamoDbGateway;

/**
 * Where copy-back checkpoints live: {@code --state-dir} (default) or {@code --checkpoint-table}.
 */
final class StateOptions {
  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description = "Directory for checkpoints and failure files (default: ~/.pitr/state).")
  Path stateDir;

  @Option(
      names = "--checkpoint-table",
      paramLabel = "TABLE",
      description =
          "Keep checkpoints in this DynamoDB table instead; it is checked before anything"
              + " changes, and created when a run starts if missing.")
  String checkpointTable;

  Path stateDir() {
    if (stateDir != null) {
      return stateDir;
    }
    String configured = System.getProperty("pitr.stateDir");
    return configured != null
        ? Path.of(configured)
        : Path.of(System.getProperty("user.home"), ".pitr", "state");
  }

  /**
   * Every store runs may be in: the state directory, and the checkpoint table when one is given;
   * for commands that must see every run, such as drop and runs list.
   */
  List<Checkpoints> allCheckpoints(DynamoDbGateway gateway) {
    return checkpointTable == null
        ? List.of(FileCheckpoints.in(stateDir()))
        : List.of(FileCheckpoints.in(stateDir()), TableCheckpoints.in(gateway, checkpointTable));
  }

  /**
   * Refuses, before a command's first change (a restore, an export, a plan's scan, a write), a
   * {@code --checkpoint-table} that cannot keep its checkpoints: one of another key, or one the
   * credentials may not describe, query or write ({@link TableCheckpoints#check}). One that does
   * not exist yet passes, and is created when the run is opened. Every command that checkpoints in
   * a table calls this, and only this, for it.
   */
  void checkCheckpointTable(DynamoDbGateway gateway) {
    if (checkpointTable != null && !checkpointTableChecked) {
      TableCheckpoints.in(gateway, checkpointTable).check().block();
      // Once per command: a migration rollback applies a plan per table, each with its request.
      checkpointTableChecked = true;
    }
  }

  private boolean checkpointTableChecked;

  Checkpoints checkpoints(DynamoDbGateway gateway) {
    return checkpointTable != null
        ? TableCheckpoints.in(gateway, checkpointTable)
        : FileCheckpoints.in(stateDir());
  }
}
