package pitr.cli;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Map;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.local.LocalDynamoDbAsyncClient;
import pitr.local.LocalEngine;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProviderChain;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.auth.credentials.ProfileCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.auth.credentials.SystemPropertyCredentialsProvider;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.profiles.ProfileFile;
import software.amazon.awssdk.profiles.ProfileFileLocation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.AwsProfileRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProvider;
import software.amazon.awssdk.regions.providers.AwsRegionProviderChain;
import software.amazon.awssdk.regions.providers.InstanceProfileRegionProvider;
import software.amazon.awssdk.regions.providers.SystemSettingsRegionProvider;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClientBuilder;

/**
 * The target options ({@code --local}, {@code --endpoint-url}, {@code --region}, {@code --profile})
 * and the one place that turns them into a {@link DynamoDbAsyncClient}.
 *
 * <ul>
 *   <li>{@code --local}: an in-process client over a fresh embedded engine.
 *   <li>{@code --endpoint-url URL}: the SDK client against that endpoint. On a loopback endpoint (a
 *       local emulator) a missing region defaults to us-east-1 and missing credentials to dummy
 *       ones, so no AWS setup is needed. Without the option, the SDK's environment variables {@code
 *       AWS_ENDPOINT_URL_DYNAMODB} or else {@code AWS_ENDPOINT_URL} name the endpoint the same way.
 *   <li>otherwise: AWS, with the SDK's default region and credential chains, narrowed by {@code
 *       --region} and {@code --profile}.
 * </ul>
 */
final class TargetOptions {
  /** Region used for loopback endpoints when none is configured. */
  static final Region LOOPBACK_REGION = Region.US_EAST_1;

  @Option(
      names = "--local",
      scope = ScopeType.INHERIT,
      description = "Use the embedded engine in-process instead of DynamoDB.")
  boolean local;

  @Option(
      names = "--endpoint-url",
      scope = ScopeType.INHERIT,
      paramLabel = "URL",
      description = {
        "Send DynamoDB calls to this endpoint instead of AWS.",
        "E.g. http://127.0.0.1:8000 (pitr local serve)."
      })
  String endpointUrl;

  @Option(
      names = "--region",
      scope = ScopeType.INHERIT,
      paramLabel = "REGION",
      converter = TargetChecks.RegionName.class,
      description = "AWS region, e.g. eu-west-1 (default: AWS_REGION or the profile's region).")
  String region;

  @Option(
      names = "--profile",
      scope = ScopeType.INHERIT,
      paramLabel = "NAME",
      converter = TargetChecks.ProfileName.class,
      description = {
        "Named profile for region and credentials.",
        "Read from ~/.aws/config and ~/.aws/credentials.",
        "AWS_CONFIG_FILE and AWS_SHARED_CREDENTIALS_FILE name other files."
      })
  String profile;

  /** Where regions come from when {@code --region} is absent; replaced in tests. */
  AwsRegionProvider awsRegions;

  /** Where credentials come from on AWS (not loopback); replaced in tests. */
  AwsCredentialsProvider awsCredentials;

  /** The environment, for the endpoint variables; replaced in tests. */
  Map<String, String> env = System.getenv();

  /** The variable the endpoint comes from when {@code --endpoint-url} is absent, or null. */
  private String endpointVariable() {
    if (endpointUrl != null || local) {
      return null;
    }
    return ServiceEndpoints.configured(ServiceEndpoints.DYNAMODB, env)
        .map(ServiceEndpoints.Configured::variable)
        .orElse(null);
  }

  /** The endpoint URL: {@code --endpoint-url}, else the environment's, else null (AWS). */
  String endpointUrl() {
    String variable = endpointVariable();
    return variable != null ? env.get(variable).trim() : endpointUrl;
  }

  /** The SDK's default size of the HTTP connection pool. */
  static final int DEFAULT_CONNECTIONS = 50;

  /**
   * A new client for the selected target. The caller closes it; with {@code --local} closing it
   * also discards the embedded engine and its data.
   *
   * @throws PitrException with {@link ErrorCode#USAGE} when the options conflict, the endpoint is
   *     not a URL or cannot be reached, the profile does not exist, or no region or credentials can
   *     be found; checked in that order, so a mistyped endpoint is not reported as missing
   *     credentials
   */
  DynamoDbAsyncClient client() {
    return client(0);
  }

  /**
   * A new client as {@link #client()}, with room for {@code callsInFlight} calls at once: the HTTP
   * client's pool of connections (50 by default) grows to that, so that a command asked for more
   * calls in flight, such as {@code copy-back --concurrency 100}, gets them instead of queueing.
   */
  DynamoDbAsyncClient client(int callsInFlight) {
    if (local && endpointUrl != null) {
      throw new PitrException(
          ErrorCode.USAGE,
          "--local and --endpoint-url both choose a target; pass only one of them");
    }
    if (local) {
      return LocalDynamoDbAsyncClient.owning(LocalEngine.create());
    }
    DynamoDbAsyncClientBuilder builder =
        DynamoDbAsyncClient.builder()
            .httpClientBuilder(
                EventLoops.netty().maxConcurrency(Math.max(DEFAULT_CONNECTIONS, callsInFlight)));
    boolean loopback = false;
    if (endpointUrl() != null) {
      URI endpoint = endpoint();
      builder.endpointOverride(endpoint);
      loopback = isLoopback(endpoint.getHost());
      if (!loopback) {
        // A local emulator needs no credentials, and the gateway names it if it does not answer.
        TargetChecks.endpointReachable(endpoint, endpointSource(), env);
      }
    }
    if (profile != null) {
      TargetChecks.profileExists(profile);
    }
    builder.region(region(loopback));
    builder.credentialsProvider(loopback ? loopbackCredentials() : credentials());
    return builder.build();
  }

  /** The option or variable the endpoint comes from, for messages. */
  private String endpointSource() {
    String variable = endpointVariable();
    return variable != null ? variable : "--endpoint-url";
  }

  /** A description of the target for messages and logs, e.g. "AWS (eu-west-1)". */
  String describe() {
    if (local) {
      return "the embedded engine (--local)";
    }
    if (endpointUrl() != null) {
      return endpointUrl();
    }
    return "AWS" + (region == null ? "" : " (" + region + ")");
  }

  URI endpoint() {
    return httpUrl(endpointSource(), endpointUrl(), "http://127.0.0.1:8000");
  }

  /** {@code url} as a URI; a {@link ErrorCode#USAGE} error naming {@code option} if not http(s). */
  static URI httpUrl(String option, String url, String example) {
    try {
      URI uri = new URI(url);
      if (uri.getHost() == null
          || !("http".equalsIgnoreCase(uri.getScheme())
              || "https".equalsIgnoreCase(uri.getScheme()))) {
        throw new URISyntaxException(url, "not an http(s) URL");
      }
      return uri;
    } catch (URISyntaxException e) {
      throw new PitrException(
          ErrorCode.USAGE, option + " " + url + " is not an http(s) URL; pass one like " + example);
    }
  }

  static boolean isLoopback(String host) {
    String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
    if (bare.equalsIgnoreCase("localhost") || bare.toLowerCase().endsWith(".localhost")) {
      return true;
    }
    boolean literal = bare.contains(":") || bare.matches("[0-9.]+");
    if (!literal) {
      return false;
    }
    try {
      return InetAddress.getByName(bare).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  Region region(boolean loopback) {
    if (region != null) {
      return Region.of(region);
    }
    AwsRegionProvider provider = awsRegions != null ? awsRegions : defaultRegions(loopback);
    try {
      return provider.getRegion();
    } catch (SdkClientException e) {
      if (loopback) {
        return LOOPBACK_REGION;
      }
      throw new PitrException(
          ErrorCode.USAGE,
          "No AWS region is set"
              + (profile == null ? "" : " for profile " + profile)
              + "; pass --region (e.g. --region us-east-1), set AWS_REGION, or add region to"
              + " the profile in "
              + ProfileFileLocation.configurationFilePath());
    }
  }

  private AwsRegionProvider defaultRegions(boolean loopback) {
    AwsProfileRegionProvider fromProfile =
        profile == null
            ? new AwsProfileRegionProvider()
            : new AwsProfileRegionProvider(ProfileFile::defaultProfileFile, profile);
    if (loopback) {
      // Never ask the EC2 instance metadata service on behalf of a local emulator.
      return new AwsRegionProviderChain(new SystemSettingsRegionProvider(), fromProfile);
    }
    return new AwsRegionProviderChain(
        new SystemSettingsRegionProvider(), fromProfile, new InstanceProfileRegionProvider());
  }

  AwsCredentialsProvider credentials() {
    AwsCredentialsProvider provider = awsCredentials;
    if (provider == null) {
      provider =
          profile == null
              ? DefaultCredentialsProvider.builder().build()
              : ProfileCredentialsProvider.create(profile);
    }
    try {
      // Resolve once now, so a missing setup fails here with a clear message, not mid-run.
      provider.resolveCredentials();
    } catch (SdkClientException | IllegalArgumentException | IllegalStateException e) {
      throw new PitrException(
          ErrorCode.USAGE,
          "No AWS credentials found"
              + (profile == null ? "" : " for profile " + profile)
              + "; run 'aws configure' or 'aws sso login"
              + (profile == null ? "" : " --profile " + profile)
              + "', set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or pass --profile");
    }
    return provider;
  }

  /** Configured credentials if any (never the instance metadata service), else dummy ones. */
  AwsCredentialsProvider loopbackCredentials() {
    return AwsCredentialsProviderChain.builder()
        .credentialsProviders(
            SystemPropertyCredentialsProvider.create(),
            EnvironmentVariableCredentialsProvider.create(),
            profile == null
                ? ProfileCredentialsProvider.create()
                : ProfileCredentialsProvider.create(profile),
            StaticCredentialsProvider.create(AwsBasicCredentials.create("local", "local")))
        .reuseLastProviderEnabled(true)
        .build();
  }
}
