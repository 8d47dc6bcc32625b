package pitr.migrate;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import pitr.ErrorCode;
import pitr.PitrException;
import pitr.dynamo.DynamoDbGateway;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.services.dynamodb.model.AttributeDefinition;
import software.amazon.awssdk.services.dynamodb.model.CreateTableRequest;
import software.amazon.awssdk.services.dynamodb.model.KeySchemaElement;
import software.amazon.awssdk.services.dynamodb.model.ResourceInUseException;
import software.amazon.awssdk.services.dynamodb.model.TableDescription;
import software.amazon.awssdk.services.dynamodb.model.TableStatus;

/**
 * The toolkit's own tables, the ledger and the journal: created on first use, checked before a run
 * writes anything, and a refusal ({@link ErrorCode#REFUSED}) naming the table and the fix when one
 * cannot be used: access denied, a table of that name that is not a ledger (or journal), or one
 * that is being deleted.
 */
enum LedgerTables {
  /** The ledger: runs, lock, checkpoints. */
  LEDGER("ledger", "--ledger-table"),
  /** The journal: keys written per run. */
  JOURNAL("journal", "--journal-table");

  private static final Set<String> DENIED =
      Set.of(
          "AccessDeniedException",
          "UnrecognizedClientException",
          "InvalidSignatureException",
          "ExpiredTokenException");

  private final String role;
  private final String option;

  LedgerTables(String role, String option) {
    this.role = role;
    this.option = option;
  }

  /**
   * Creates the table {@code request} describes unless it exists, and waits until it is ACTIVE;
   * refuses when it cannot be described or created, or exists with another key schema or in a state
   * other than ACTIVE, CREATING or UPDATING.
   */
  Mono<Void> ensure(DynamoDbGateway db, CreateTableRequest request, Duration timeout) {
    String table = request.tableName();
    return db.findTable(table)
        .onErrorMap(e -> refusal("DescribeTable", table, e))
        .flatMap(existing -> check(existing, request).thenReturn(true))
        .switchIfEmpty(
            Mono.defer(
                () ->
                    db.createTable(request)
                        .onErrorResume(LedgerTables::alreadyCreated, e -> Mono.empty())
                        .onErrorMap(e -> refusal("CreateTable", table, e))
                        .thenReturn(true)))
        .then(awaitActive(db, table, timeout));
  }

  private Mono<Void> check(TableDescription existing, CreateTableRequest wanted) {
    String table = existing.tableName();
    if (!sameKey(existing, wanted)) {
      return Mono.error(
          new PitrException(
              ErrorCode.REFUSED,
              "Table "
                  + table
                  + " exists but is not a pitr "
                  + role
                  + " table: its key is "
                  + describeKey(existing.keySchema(), existing.attributeDefinitions())
                  + ", a "
                  + role
                  + " needs "
                  + describeKey(wanted.keySchema(), wanted.attributeDefinitions())
                  + ". Pass "
                  + option
                  + " NAME to use another table (pitr creates it). Nothing was written"));
    }
    TableStatus status = existing.tableStatus();
    if (status == TableStatus.ACTIVE
        || status == TableStatus.CREATING
        || status == TableStatus.UPDATING) {
      return Mono.empty();
    }
    return Mono.error(
        new PitrException(
            ErrorCode.REFUSED,
            "The "
                + role
                + " table "
                + table
                + " is "
                + existing.tableStatusAsString()
                + ", so this run could not record its "
                + (this == LEDGER ? "progress" : "writes")
                + "; wait until it is ACTIVE (or, if it is being deleted, gone: pitr creates it"
                + " again) and rerun, or pass "
                + option
                + " NAME to use another table. Nothing was written"));
  }

  private Mono<Void> awaitActive(DynamoDbGateway db, String table, Duration timeout) {
    return db.findTable(table)
        .filter(t -> t.tableStatus() == TableStatus.ACTIVE)
        .repeatWhenEmpty(
            Integer.MAX_VALUE, r -> r.delayElements(Duration.ofMillis(200), db.scheduler()))
        .timeout(timeout, db.scheduler())
        .onErrorMap(
            TimeoutException.class,
            e ->
                new PitrException(
                    ErrorCode.FAILED,
                    "The "
                        + role
                        + " table "
                        + table
                        + " is not ACTIVE after "
                        + timeout.toMinutes()
                        + "m; check it in the console and rerun. Nothing was written"))
        .onErrorMap(e -> refusal("DescribeTable", table, e))
        .then();
  }

  /**
   * {@code failure} of {@code action} on this table, as a refusal naming the table and the fix when
   * access was denied; anything else unchanged.
   */
  Throwable refusal(String action, String table, Throwable failure) {
    AwsServiceException denied = denied(failure);
    if (denied == null) {
      return failure;
    }
    // IAM names the action it checked, which for a transaction is that of one of its items.
    java.util.regex.Matcher named =
        java.util.regex.Pattern.compile("perform: dynamodb:(\\w+)")
            .matcher(String.valueOf(DynamoDbGateway.message(denied)));
    if (named.find()) {
      action = named.group(1);
    }
    return new PitrException(
        ErrorCode.REFUSED,
        "Access denied: dynamodb:"
            + action
            + " on the "
            + role
            + " table "
            + table
            + " ("
            + DynamoDbGateway.message(denied)
            + "); grant dynamodb:"
            + action
            + " on that table to the identity pitr runs as, or pass "
            + option
            + " NAME for a table it may use. Nothing was written",
        failure);
  }

  private static AwsServiceException denied(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof AwsServiceException aws
          && aws.awsErrorDetails() != null
          && DENIED.contains(aws.awsErrorDetails().errorCode())) {
        return aws;
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  private static boolean alreadyCreated(Throwable e) {
    return PitrException.causedBy(e, ResourceInUseException.class);
  }

  private static boolean sameKey(TableDescription existing, CreateTableRequest wanted) {
    return describeKey(existing.keySchema(), existing.attributeDefinitions())
        .equals(describeKey(wanted.keySchema(), wanted.attributeDefinitions()));
  }

  private static String describeKey(
      List<KeySchemaElement> schema, List<AttributeDefinition> definitions) {
    return schema.stream()
        .map(
            k ->
                k.attributeName()
                    + " ("
                    + definitions.stream()
                        .filter(d -> d.attributeName().equals(k.attributeName()))
                        .map(AttributeDefinition::attributeTypeAsString)
                        .findFirst()
                        .orElse("?")
                    + ", "
                    + k.keyTypeAsString()
                    + ")")
        .collect(Collectors.joining(" and "));
  }
}
