package pitr.local.http;

/**
 * {@link LocalServer} could not listen on the address it was given: the port is in use, needs
 * privileges, or the host is not an address of this machine. The message says which and what to do
 * instead, e.g. "Cannot listen on 127.0.0.1:8000: the port is already in use; stop the process
 * using it or choose another port (0 picks a free one)"; the cause is the failed bind.
 */
public final class CannotListenException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  CannotListenException(String message, Throwable cause) {
    super(message, cause);
  }
}
