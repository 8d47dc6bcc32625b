package pitr.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.http.AccessKey;

/**
 * Who {@code pitr local serve} answers: the address it binds (one of this machine's), whether only
 * this machine can reach it, and the access key requests must be signed with, if any. Refuses,
 * before anything starts, a bind beyond loopback that would let anyone on the network read and
 * change every table unless the operator asked for it ({@code --allow-remote}) or gave a key.
 *
 * @param address the address to bind, as a literal (a host name is resolved once, here)
 * @param loopback whether only this machine can reach {@code address}
 * @param key the access key every request must be signed with; null to accept any request
 */
record ServeAccess(String address, boolean loopback, AccessKey key) {
  private static final String ADDRESSES =
      "pass an address of this machine, e.g. 127.0.0.1 (this machine only) or 0.0.0.0 (every"
          + " interface)";

  /**
   * Decides the access of a server asked to listen on {@code host}.
   *
   * @throws PitrException with {@link ErrorCode#USAGE} when the host is not an address of this
   *     machine, the credentials are incomplete or unreadable, or the bind goes beyond loopback
   *     with neither credentials nor {@code allowRemote}
   */
  static ServeAccess decide(
      String host, boolean allowRemote, String keyId, String secret, Path credentialsFile) {
    AccessKey key = key(keyId, secret, credentialsFile);
    InetAddress address = resolve(host);
    boolean loopback = address.isLoopbackAddress();
    if (!loopback && key == null && !allowRemote) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--host "
              + host
              + " would let anyone who can reach this machine read and change every table,"
              + " unsigned requests included; pass --access-key-id and --secret-access-key (or"
              + " --credentials-file) so that requests must be signed with that key, or"
              + " --allow-remote to accept any request anyway");
    }
    return new ServeAccess(address.getHostAddress(), loopback, key);
  }

  /** What to tell the operator before serving beyond loopback; null on loopback. */
  String warning(String host) {
    if (loopback) {
      return null;
    }
    if (key == null) {
      return "warning: listening on "
          + host
          + " with --allow-remote: anyone who can reach this machine may read and change every"
          + " table, unsigned requests included";
    }
    return "warning: listening on "
        + host
        + ", beyond this machine: requests must be signed with access key "
        + key.id()
        + ", but travel unencrypted over plain HTTP; use a trusted network";
  }

  private static InetAddress resolve(String host) {
    // A dotted number that is no IPv4 address (999.1.1.1) would otherwise go to DNS as a name.
    if (host.matches("[0-9.]+") && !isIpv4(host)) {
      throw new PitrException(
          ErrorCode.USAGE, "--host " + host + " cannot be resolved to an address; " + ADDRESSES);
    }
    InetAddress address;
    try {
      address = InetAddress.getByName(host);
    } catch (UnknownHostException e) {
      throw new PitrException(
          ErrorCode.USAGE, "--host " + host + " cannot be resolved to an address; " + ADDRESSES);
    }
    if (!address.isAnyLocalAddress() && !address.isLoopbackAddress() && !isLocal(address)) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--host "
              + host
              + (host.equals(address.getHostAddress()) ? "" : " (" + address.getHostAddress() + ")")
              + " is not an address of this machine; "
              + ADDRESSES);
    }
    return address;
  }

  private static boolean isIpv4(String host) {
    String[] parts = host.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3 || Integer.parseInt(part) > 255) {
        return false;
      }
    }
    return true;
  }

  private static boolean isLocal(InetAddress address) {
    try {
      return NetworkInterface.getByInetAddress(address) != null;
    } catch (SocketException e) {
      // Cannot tell: let the bind itself decide.
      return true;
    }
  }

  private static AccessKey key(String keyId, String secret, Path credentialsFile) {
    if (credentialsFile != null) {
      if (keyId != null || secret != null) {
        throw new PitrException(
            ErrorCode.USAGE,
            "pass either --credentials-file or --access-key-id and --secret-access-key, not both");
      }
      return readKey(credentialsFile);
    }
    if (keyId == null && secret == null) {
      return null;
    }
    if (keyId == null || keyId.isBlank()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--secret-access-key needs --access-key-id too; pass both, or --credentials-file");
    }
    if (secret == null || secret.isBlank()) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--access-key-id needs --secret-access-key too; pass both, or --credentials-file");
    }
    return new AccessKey(keyId.trim(), secret);
  }

  /**
   * Reads {@code aws_access_key_id} and {@code aws_secret_access_key} from a file in the AWS
   * credentials format with one profile, {@code [default]} or none; comments ({@code #}, {@code ;})
   * and other keys are ignored.
   */
  static AccessKey readKey(Path file) {
    String keyId = null;
    String secret = null;
    String where = "--credentials-file " + file;
    java.util.List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      throw new PitrException(
          ErrorCode.USAGE, where + ": cannot read it (" + e.getClass().getSimpleName() + ")");
    }
    for (String raw : lines) {
      String line = raw.strip();
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        String profile = line.replaceAll("[\\[\\]]", "").trim();
        if (!profile.equals("default")) {
          throw new PitrException(
              ErrorCode.USAGE,
              where
                  + " has a profile ["
                  + profile
                  + "]; keep one key in it, with no profile or under [default]");
        }
        continue;
      }
      int eq = line.indexOf('=');
      if (eq < 0) {
        continue;
      }
      String name = line.substring(0, eq).trim().toLowerCase(Locale.ROOT);
      String value = line.substring(eq + 1).trim();
      if (name.equals("aws_access_key_id")) {
        keyId = value;
      } else if (name.equals("aws_secret_access_key")) {
        secret = value;
      }
    }
    for (String[] required :
        new String[][] {{"aws_access_key_id", keyId}, {"aws_secret_access_key", secret}}) {
      if (required[1] == null || required[1].isEmpty()) {
        throw new PitrException(
            ErrorCode.USAGE,
            where + " has no " + required[0] + "; add a line '" + required[0] + " = ...'");
      }
    }
    return new AccessKey(keyId, secret);
  }
}
