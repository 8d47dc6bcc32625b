package pitr.dynamo;

import java.net.UnknownHostException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import pitr.ErrorCode;
import pitr.NearestNames;
import pitr.PitrException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.ResourceNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.TableNotFoundException;

/**
 * The error mapping of {@link DynamoDbGateway}: an SDK failure that is the caller's to fix (a
 * missing table, a busy table, denied access, an invalid request, missing credentials or region, an
 * endpoint that never answered) becomes a {@link PitrException} whose message names the object, the
 * problem and the fix; anything else is passed on unchanged.
 */
public final class DynamoErrors {
  /**
   * Where an access-denied message names the {@code pitr iam-policy} command line that prints the
   * policy the denied command needs: the generic form, which the CLI replaces as a whole with the
   * failed command's own (and which reads as it stands where it does not).
   */
  public static final String POLICY_HINT = "pitr iam-policy COMMAND --table TABLE";

  private final String target;

  /** Whether the target has answered a call, shared with the gateway and its copies. */
  private final AtomicBoolean reached;

  DynamoErrors(String target, AtomicBoolean reached) {
    this.target = target;
    this.reached = reached;
  }

  /**
   * A failure to connect: a {@link ErrorCode#USAGE} error naming the endpoint and the fix when the
   * target never answered (nothing was sent, so nothing changed), {@link ErrorCode#FAILED} when the
   * connection was lost after it had.
   */
  private PitrException unreachable(Throwable failure) {
    Throwable cause = Throttling.unreachableCause(failure);
    String why =
        cause instanceof UnknownHostException
            ? "unknown host " + cause.getMessage()
            : cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    boolean endpoint = target != null && target.startsWith("http");
    String fix =
        endpoint
            ? "Check --endpoint-url (or AWS_ENDPOINT_URL) and that a server is listening there;"
                + " 'pitr local serve --port 8000' starts the embedded engine, and --local runs"
                + " one in-process"
            : "Check --region and the network (DNS, proxy, VPC endpoint) to DynamoDB";
    if (reached.get()) {
      return new PitrException(
          ErrorCode.FAILED,
          "Lost the connection to "
              + target
              + " ("
              + why
              + ") after retrying; rerun once it is back (commands that checkpoint resume with"
              + " --resume)",
          failure);
    }
    return new PitrException(
        ErrorCode.USAGE,
        "Cannot reach DynamoDB at " + target + " (" + why + "); nothing was changed. " + fix,
        failure);
  }

  /** Whether {@code failure} is {@link #map}'s error for a table that does not exist. */
  static boolean isMissingTable(Throwable failure) {
    return failure instanceof PitrException p
        && (p.getCause() instanceof ResourceNotFoundException
            || p.getCause() instanceof TableNotFoundException);
  }

  /**
   * Up to {@code limit} of the target's {@code tables} (the first 1,000) whose names are near
   * {@code name}, for "did you mean"; none when they cannot be listed.
   */
  public static Mono<List<String>> nearest(Flux<String> tables, String name, int limit) {
    return tables
        .take(1000)
        .collectList()
        .map(names -> NearestNames.of(name, names, limit, n -> n))
        .onErrorReturn(List.of());
  }

  /**
   * The error of {@code table}, which does not exist ({@code failure}, as {@link #map} made it),
   * suggesting the target's {@code tables} of names near it ({@link #nearest}).
   */
  <T> Mono<T> missing(String table, Flux<String> tables, Throwable failure) {
    return nearest(tables, table, 3)
        .flatMap(near -> Mono.error(missing("Table " + table, near, failure.getCause())));
  }

  /**
   * {@code name} (e.g. "Table orders") does not exist in the target; {@code nearest} are the tables
   * it has of names near it, suggested when there are any.
   */
  PitrException missing(String name, List<String> nearest, Throwable failure) {
    String suggest =
        nearest.isEmpty() ? "; check" : "; " + NearestNames.question(nearest) + " Check";
    return new PitrException(
        ErrorCode.USAGE,
        name + " does not exist in " + target + suggest + " the name and region",
        failure);
  }

  /**
   * Maps a failure that is the caller's to fix into a {@link PitrException}; anything else is
   * returned as it is.
   */
  Throwable map(Throwable failure, String table) {
    if (failure instanceof PitrException) {
      return failure;
    }
    String name = table == null ? "the table" : "Table " + table;
    if (failure instanceof ResourceNotFoundException || failure instanceof TableNotFoundException) {
      return missing(name, List.of(), failure);
    }
    if (failure instanceof ResourceInUseException) {
      return new PitrException(
          ErrorCode.USAGE,
          name
              + " is busy in "
              + target
              + " ("
              + message(failure)
              + "); wait until it is ACTIVE and rerun",
          failure);
    }
    if (failure instanceof AwsServiceException aws && aws.awsErrorDetails() != null) {
      String code = aws.awsErrorDetails().errorCode();
      if ("AccessDeniedException".equals(code)) {
        return new PitrException(ErrorCode.USAGE, accessDenied(message(failure)), failure);
      }
      if ("UnrecognizedClientException".equals(code)
          || "InvalidSignatureException".equals(code)
          || "ExpiredTokenException".equals(code)) {
        return new PitrException(
            ErrorCode.USAGE,
            "Access to "
                + (table == null ? target : "table " + table + " in " + target)
                + " was denied ("
                + message(failure)
                + "); check the credentials, --profile and the IAM policy",
            failure);
      }
      if ("ValidationException".equals(code)) {
        return new PitrException(
            ErrorCode.USAGE,
            "DynamoDB rejected the request for "
                + (table == null ? "the target" : "table " + table)
                + ": "
                + message(failure),
            failure);
      }
    }
    if (Throttling.isUnreachable(failure)) {
      return unreachable(failure);
    }
    if (failure instanceof SdkClientException sdk && sdk.getMessage() != null) {
      String m = sdk.getMessage();
      if (m.contains("Unable to load credentials") || m.contains("credentials")) {
        return new PitrException(
            ErrorCode.USAGE,
            "No AWS credentials found for "
                + target
                + "; run 'aws configure' or 'aws sso login', set AWS_ACCESS_KEY_ID and"
                + " AWS_SECRET_ACCESS_KEY, or pass --profile",
            failure);
      }
      if (m.contains("Unable to load region") || m.contains("region")) {
        return new PitrException(
            ErrorCode.USAGE,
            "No AWS region is set; pass --region (e.g. --region us-east-1) or set AWS_REGION",
            failure);
      }
    }
    return failure;
  }

  /**
   * Whether {@code e} is (or was caused by) an IAM denial ({@code AccessDeniedException}), as it
   * comes from the SDK or already worded by {@link DynamoDbGateway}.
   */
  public static boolean isAccessDenied(Throwable e) {
    for (Throwable c = e; c != null; c = c.getCause()) {
      if (c instanceof AwsServiceException aws
          && aws.awsErrorDetails() != null
          && "AccessDeniedException".equals(aws.awsErrorDetails().errorCode())) {
        return true;
      }
    }
    return false;
  }

  private static final java.util.regex.Pattern DENIED =
      java.util.regex.Pattern.compile("perform: (\\S+) on resource: (\\S+)");

  /**
   * An IAM denial: the permission that is missing and where to get the policy that has it, as
   * {@link #POLICY_HINT}.
   */
  private String accessDenied(String message) {
    java.util.regex.Matcher m = DENIED.matcher(message == null ? "" : message);
    String what =
        m.find()
            ? "the credentials may not call " + m.group(1) + " on " + m.group(2)
            : "the credentials lack a permission (" + message + ")";
    return "Access denied by "
        + target
        + ": "
        + what
        + "; the denied call changed nothing. Grant it: '"
        + POLICY_HINT
        + "' prints the policy this command needs";
  }

  /** The service's own message of an AWS error, else the exception message. */
  static String message(Throwable failure) {
    if (failure instanceof AwsServiceException aws
        && aws.awsErrorDetails() != null
        && aws.awsErrorDetails().errorMessage() != null) {
      return aws.awsErrorDetails().errorMessage();
    }
    return failure.getMessage();
  }
}
