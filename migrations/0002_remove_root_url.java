import java.util.Set;
import pitr.migrate.api.Condition;
import pitr.migrate.api.Migration;
import pitr.migrate.api.MigrationContext;
import pitr.migrate.api.MigrationTable;
import pitr.migrate.api.ScanOptions;
import pitr.migrate.api.Update;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;

/**
 * Remove rootUrl from sites: in the single-table {@code tenants} table, items of entity type SITE
 * (sort key {@code SITE#...}) lose the obsolete {@code rootUrl} attribute; other entity types
 * (ORG, USER) that have an attribute of the same name keep it.
 *
 * <p>Idempotent: the filter only passes sites that still have rootUrl.
 *
 * Execution Time: (not run yet)
 * Finalization Time: (not run yet)
 */
class RemoveRootUrl implements Migration {
  static final String TABLE = "tenants";

  @Override
  public Set<String> tables() {
    return Set.of(TABLE);
  }

  @Override
  public Mono<Void> run(MigrationContext context) {
    MigrationTable tenants = context.table(TABLE);
    ScanOptions sites =
        ScanOptions.defaults()
            .filter(
                Condition.of("begins_with(#sk, :site) AND attribute_exists(#url)")
                    .name("#sk", "sk")
                    .name("#url", "rootUrl")
                    .value(":site", AttributeValue.fromS("SITE#")));
    return tenants
        .forEachItem(sites, site -> tenants.update(site, Update.remove("rootUrl")))
        .then();
  }
}
