package pitr.cli;

import java.io.PrintWriter;
import java.util.Collection;
import picocli.CommandLine.Model.CommandSpec;
import pitr.dynamo.DynamoDbGateway;
import pitr.restore.LeftoverRecoveryTables;

/**
 * Before a command restores recovery tables of some tables, a note on stderr for each recovery
 * table of theirs that an earlier command left behind (killed during its restore or its final
 * drop), with the command that drops it: otherwise only {@code pitr status} shows them.
 */
final class LeftoverNotes {
  private LeftoverNotes() {}

  static void print(CommandSpec spec, DynamoDbGateway gateway, Collection<String> tables) {
    PrintWriter err = spec.commandLine().getErr();
    for (String table : tables) {
      LeftoverRecoveryTables.of(gateway, table)
          .toStream()
          .forEach(t -> err.println(LeftoverRecoveryTables.note(t)));
    }
    err.flush();
  }
}
