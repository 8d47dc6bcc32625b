package pitr.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import picocli.CommandLine.ITypeConverter;
import pitr.ErrorCode;
import pitr.PitrException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;

/**
 * The checks {@link TargetOptions} makes before it builds a client, each refusing with {@link
 * ErrorCode#USAGE} and a message that names what is wrong and the fix: a blank {@code --region} or
 * {@code --profile} (at parse time), a profile that is in neither AWS file, and an endpoint whose
 * host does not resolve or accept a connection. They run before credentials are looked for, so a
 * mistyped endpoint is reported as such and not as missing credentials.
 */
final class TargetChecks {
  /** How long to wait for an endpoint to accept a connection. */
  static final int CONNECT_TIMEOUT_MILLIS = 3000;

  private static final List<String> PROXY_VARIABLES =
      List.of("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy");

  private TargetChecks() {}

  /** {@code --region}: refuses an empty name or one with characters no region has. */
  static final class RegionName implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      if (text.isBlank()) {
        throw new InvalidOptionValue("is empty; give a region such as us-east-1");
      }
      if (!text.matches("[A-Za-z0-9-]+")) {
        throw new InvalidOptionValue(
            "'" + text + "' is not a region name; give one such as us-east-1");
      }
      return text;
    }
  }

  /** {@code --profile}: refuses an empty name. */
  static final class ProfileName implements ITypeConverter<String> {
    @Override
    public String convert(String text) {
      if (text.isBlank()) {
        throw new InvalidOptionValue(
            "is empty; give the name of a profile in the AWS config file, or leave --profile out");
      }
      return text;
    }
  }

  /**
   * Refuses a profile that neither the AWS config file nor the credentials file (where the SDK
   * looks for them: {@code AWS_CONFIG_FILE} and {@code AWS_SHARED_CREDENTIALS_FILE}, or {@code
   * ~/.aws/config} and {@code ~/.aws/credentials}) has.
   */
  static void profileExists(String profile) {
    Path config = ProfileFileLocation.configurationFilePath();
    Path credentials = ProfileFileLocation.credentialsFilePath();
    Set<String> known;
    try {
      known = new TreeSet<>(ProfileFile.defaultProfileFile().profiles().keySet());
    } catch (RuntimeException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "Cannot read the AWS config file "
              + config
              + " or the credentials file "
              + credentials
              + " ("
              + e.getMessage()
              + "); fix the file, or point AWS_CONFIG_FILE or AWS_SHARED_CREDENTIALS_FILE at"
              + " another",
          e);
    }
    if (known.contains(profile)) {
      return;
    }
    throw new PitrException(
        ErrorCode.USAGE,
        "Profile "
            + profile
            + " is not in the AWS config file "
            + describe(config)
            + " or the credentials file "
            + describe(credentials)
            + "; "
            + (known.isEmpty()
                ? "create it"
                : "pass one that is there (" + String.join(", ", known) + "), or create it")
            + " with 'aws configure --profile "
            + profile
            + "' (or 'aws configure sso --profile "
            + profile
            + "')");
  }

  private static String describe(Path file) {
    return file + (Files.isRegularFile(file) ? "" : " (no such file)");
  }

  /**
   * Refuses an endpoint whose host does not resolve or that accepts no connection, naming {@code
   * option} (the option or variable it came from). Skipped when a proxy is configured, since the
   * proxy, not this machine, resolves and reaches the host then.
   */
  static void endpointReachable(URI endpoint, String option, Map<String, String> env) {
    if (proxied(env)) {
      return;
    }
    String host = endpoint.getHost();
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    int port =
        endpoint.getPort() >= 0
            ? endpoint.getPort()
            : "https".equalsIgnoreCase(endpoint.getScheme()) ? 443 : 80;
    String why;
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(InetAddress.getByName(bare), port), CONNECT_TIMEOUT_MILLIS);
      return;
    } catch (UnknownHostException e) {
      why = "cannot resolve host " + bare;
    } catch (IOException e) {
      why = "cannot connect to " + bare + ":" + port + ": " + e.getMessage();
    }
    throw new PitrException(
        ErrorCode.USAGE,
        "Cannot reach DynamoDB at "
            + endpoint
            + " ("
            + why
            + "); nothing was changed. Check "
            + option
            + " and that a server is listening there; 'pitr local serve --port 8000' starts the"
            + " embedded engine, and --local runs one in-process");
  }

  private static boolean proxied(Map<String, String> env) {
    return System.getProperty("https.proxyHost") != null
        || System.getProperty("http.proxyHost") != null
        || PROXY_VARIABLES.stream().anyMatch(v -> env.get(v) != null && !env.get(v).isBlank());
  }
}
