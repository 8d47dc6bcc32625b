package pitr.migrate;

import static pitr.migrate.Attrs.s;
import static pitr.migrate.Attrs.str;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import pitr.dynamo.DynamoDbGateway;
import pitr.dynamo.Retries;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;

/**
 * The ledger's record of migrations submitted to AWS Batch: items {@code pk=submission}, {@code
 * sk=<migration>#<submittedAt>#<job id or schedule name>}, beside the runs ({@code pk=run}), which
 * older versions of pitr neither read nor disturb.
 */
public final class JobSubmissions {
  static final String PK_VALUE = "submission";

  private final DynamoDbGateway db;
  private final String ledgerTable;
  private final String journalTable;

  JobSubmissions(DynamoDbGateway db, String ledgerTable, String journalTable) {
    this.db = db;
    this.ledgerTable = ledgerTable;
    this.journalTable = journalTable;
  }

  /**
   * Checks, as {@code migrate prod} would before its first write, that the ledger and the journal
   * can be used (creating them on first use); refuses ({@link pitr.ErrorCode#REFUSED}) when access
   * is denied or a table of that name is not a ledger (journal).
   */
  public Mono<Void> checkTables() {
    return new Ledger(db, ledgerTable).ensureTable().then(Journal.ensureTable(db, journalTable));
  }

  /** Records {@code s}. */
  public Mono<Void> record(JobSubmission s) {
    Map<String, AttributeValue> item = new HashMap<>();
    item.put(Ledger.PK, s(PK_VALUE));
    item.put(
        Ledger.SK,
        s(
            s.migration()
                + "#"
                + s.submittedAt()
                + "#"
                + (s.jobId() != null ? s.jobId() : s.scheduleName())));
    item.put("migration", s(s.migration()));
    item.put("submittedAt", s(s.submittedAt().toString()));
    item.put("submitter", s(s.submitter()));
    item.put("jobQueue", s(s.jobQueue()));
    item.put("jobName", s(s.jobName()));
    if (s.jobId() != null) {
      item.put("jobId", s(s.jobId()));
    }
    if (s.scheduleName() != null) {
      item.put("scheduleName", s(s.scheduleName()));
      item.put("scheduleExpression", s(s.scheduleExpression()));
    }
    return db.putItem(
            PutItemRequest.builder().tableName(ledgerTable).item(item).build(), Retries.SHARED)
        .then();
  }

  /** Every submission, by migration and then time. */
  public Mono<List<JobSubmission>> list() {
    return new Ledger(db, ledgerTable)
        .exists()
        .flatMapMany(e -> e ? pages() : Flux.empty())
        .concatMapIterable(r -> r.items())
        .map(JobSubmissions::read)
        .collectList();
  }

  private Flux<software.amazon.awssdk.services.dynamodb.model.QueryResponse> pages() {
    return db.queryPages(
        QueryRequest.builder()
            .tableName(ledgerTable)
            .keyConditionExpression("#pk = :pk")
            .expressionAttributeNames(Map.of("#pk", Ledger.PK))
            .expressionAttributeValues(Map.of(":pk", s(PK_VALUE)))
            .build());
  }

  private static JobSubmission read(Map<String, AttributeValue> item) {
    return new JobSubmission(
        str(item, "migration"),
        Instant.parse(str(item, "submittedAt")),
        str(item, "submitter"),
        str(item, "jobQueue"),
        str(item, "jobName"),
        str(item, "jobId"),
        str(item, "scheduleName"),
        str(item, "scheduleExpression"));
  }
}
