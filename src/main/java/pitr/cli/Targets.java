package pitr.cli;

import picocli.CommandLine.Model.CommandSpec;
import pitr.dynamo.DynamoDbGateway;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;

/** The client and gateway a command uses, built from the global target options and closed after. */
final class Targets implements AutoCloseable {
  final DynamoDbAsyncClient client;
  final DynamoDbGateway gateway;

  private Targets(DynamoDbAsyncClient client, String description) {
    this.client = client;
    this.gateway = DynamoDbGateway.create(client, description);
  }

  static Targets of(CommandSpec spec) {
    return of(spec, 0);
  }

  /** As {@link #of(CommandSpec)}, with room for {@code callsInFlight} calls at once. */
  static Targets of(CommandSpec spec, int callsInFlight) {
    TargetOptions target = PitrCommand.of(spec).target();
    return new Targets(target.client(callsInFlight), target.describe());
  }

  static boolean json(CommandSpec spec) {
    return PitrCommand.of(spec).output().format() == OutputOptions.Format.JSON;
  }

  static String createdBy() {
    return "pitr "
        + ManifestVersionProvider.version()
        + " ("
        + System.getProperty("user.name")
        + ")";
  }

  /**
   * Closes the client. A command interrupted midway (Ctrl-C, a test stopping it) still closes it
   * fully: the interrupt is set aside while the HTTP client waits for its connections and threads
   * to end, which it would otherwise abandon with an error, and set again afterwards.
   */
  @Override
  public void close() {
    boolean interrupted = Thread.interrupted();
    try {
      client.close();
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
