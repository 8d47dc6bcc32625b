package pitr.cli;

import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.LocalEngine;
import pitr.local.http.AccessKey;
import pitr.local.http.CannotListenException;
import pitr.local.http.LocalServer;
import pitr.local.iam.IamPolicies;

/**
 * Starts the engine's HTTP server for a command: an address that cannot be bound (port in use, port
 * needing privileges, host not of this machine) is a usage error, exit 2, with the server's
 * message.
 */
final class LocalServers {
  private LocalServers() {}

  /** {@link LocalServer#start(LocalEngine, String, int, AccessKey)}, refusing what cannot bind. */
  static LocalServer start(LocalEngine engine, String host, int port, AccessKey key) {
    return start(engine, host, port, key, null);
  }

  /** As {@link #start(LocalEngine, String, int, AccessKey)}, enforcing {@code policies}. */
  static LocalServer start(
      LocalEngine engine, String host, int port, AccessKey key, IamPolicies policies) {
    try {
      return LocalServer.start(engine, host, port, key, policies);
    } catch (CannotListenException e) {
      throw refused(e);
    }
  }

  /** Serves {@code engine} on a free loopback port, for a command's own use. */
  static LocalServer startOnLoopback(LocalEngine engine) {
    return start(engine, "127.0.0.1", 0, null);
  }

  /** The usage error for a server that could not listen. */
  static PitrException refused(CannotListenException e) {
    return new PitrException(ErrorCode.USAGE, e.getMessage(), e);
  }
}
