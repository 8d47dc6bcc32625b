package pitr.local.http;

/**
 * The server could not listen on its address because another process holds the port. The message
 * names the address and the fix; the command line reports it as a usage error.
 */
public final class PortInUseException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  PortInUseException(String host, int port, Throwable cause) {
    super(
        "Cannot listen on "
            + host
            + ":"
            + port
            + ": the port is already in use; stop the process using it or choose another port (0"
            + " picks a free one)",
        cause);
  }
}
