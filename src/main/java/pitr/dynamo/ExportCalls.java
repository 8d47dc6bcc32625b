package pitr.dynamo;

import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import pitr.ErrorCode;
import pitr.PitrException;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.ExportDescription;
import software.amazon.awssdk.services.dynamodb.model.ExportNotFoundException;
import software.amazon.awssdk.services.dynamodb.model.ExportSummary;
import software.amazon.awssdk.services.dynamodb.model.ExportTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.InvalidExportTimeException;
import software.amazon.awssdk.services.dynamodb.model.ListExportsResponse;
import software.amazon.awssdk.services.dynamodb.model.PointInTimeRecoveryUnavailableException;

/**
 * The export calls of {@link DynamoDbGateway} (ExportTableToPointInTime, DescribeExport,
 * ListExports), with its retries and error mapping. What DynamoDB refuses about an export request
 * (PITR off, an instant outside the recovery period, a window it does not take) becomes a {@link
 * PitrException} {@link ErrorCode#REFUSED} carrying the service's own message, so the caller can
 * add what to do instead; an export ARN that is not known is {@link ErrorCode#USAGE}.
 */
public final class ExportCalls {
  private final DynamoDbAsyncClient client;
  private final DynamoDbGateway gateway;

  ExportCalls(DynamoDbAsyncClient client, DynamoDbGateway gateway) {
    this.client = client;
    this.gateway = gateway;
  }

  /**
   * Requests an export. Retried like any call: give the request a ClientToken so that a retry after
   * a lost answer finds the same export instead of starting a second one. A refusal's message ends
   * with {@code fix} (what to do instead) and "Nothing was exported."
   */
  public Mono<ExportDescription> export(ExportTableToPointInTimeRequest request, String fix) {
    String table = tableName(request.tableArn());
    return refusals(table, () -> client.exportTableToPointInTime(request), fix)
        .map(r -> r.exportDescription());
  }

  /** The export's description; an unknown ARN is a usage error naming it. */
  public Mono<ExportDescription> describe(String exportArn) {
    return gateway
        .<software.amazon.awssdk.services.dynamodb.model.DescribeExportResponse>retriedCall(
            tableName(exportArn), () -> client.describeExport(r -> r.exportArn(exportArn)))
        .onErrorMap(
            e -> PitrException.causedBy(e, ExportNotFoundException.class),
            e ->
                new PitrException(
                    ErrorCode.USAGE,
                    "Export "
                        + exportArn
                        + " does not exist in "
                        + gateway.target()
                        + "; 'pitr export' prints the ARN of the export it requested, check it"
                        + " and --region",
                    e))
        .map(r -> r.exportDescription());
  }

  /** The exports of the table with ARN {@code tableArn} (all tables when null), oldest first. */
  public Flux<ExportSummary> list(String tableArn) {
    return listFrom(tableArn, null)
        .expand(p -> p.nextToken() == null ? Mono.empty() : listFrom(tableArn, p.nextToken()))
        .concatMapIterable(ListExportsResponse::exportSummaries);
  }

  private Mono<ListExportsResponse> listFrom(String tableArn, String token) {
    return gateway.retriedCall(
        tableName(tableArn), () -> client.listExports(r -> r.tableArn(tableArn).nextToken(token)));
  }

  private <T> Mono<T> refusals(String table, Supplier<CompletableFuture<T>> call, String fix) {
    return gateway
        .<T>retriedCall(table, call)
        .onErrorMap(
            e -> refusal(e) != null,
            e -> {
              Throwable aws = refusal(e);
              return new PitrException(
                  ErrorCode.REFUSED,
                  "DynamoDB refused the export of table "
                      + table
                      + ": "
                      + DynamoDbGateway.message(aws)
                      + "; "
                      + fix
                      + ". Nothing was exported.",
                  aws);
            });
  }

  /** The service's refusal of the request in {@code e}, or null when it is something else. */
  private static Throwable refusal(Throwable e) {
    Throwable aws = e instanceof PitrException && e.getCause() != null ? e.getCause() : e;
    if (aws instanceof PointInTimeRecoveryUnavailableException
        || aws instanceof InvalidExportTimeException) {
      return aws;
    }
    if (aws instanceof AwsServiceException s
        && s.awsErrorDetails() != null
        && "ValidationException".equals(s.awsErrorDetails().errorCode())) {
      return aws;
    }
    return null;
  }

  /** The table name in a table or export ARN ({@code arn:...:table/NAME[/export/ID]}), or null. */
  static String tableName(String arn) {
    if (arn == null) {
      return null;
    }
    int i = arn.indexOf(":table/");
    if (i < 0) {
      return arn;
    }
    String rest = arn.substring(i + ":table/".length());
    int slash = rest.indexOf('/');
    return slash < 0 ? rest : rest.substring(0, slash);
  }
}
