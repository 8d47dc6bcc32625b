package pitr.local.ops;

import pitr.local.EngineConfig;
import pitr.local.capacity.Throughput;
import pitr.local.store.Catalog;
import pitr.local.store.ItemWriter;
import software.amazon.awssdk.services.dynamodb.model.DescribeEndpointsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeEndpointsResponse;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsRequest;
import software.amazon.awssdk.services.dynamodb.model.DescribeLimitsResponse;
import software.amazon.awssdk.services.dynamodb.model.Endpoint;

/** The account-level operations: DescribeLimits and DescribeEndpoints. */
public final class AccountOps extends OperationFamily {
  /** DynamoDB's default quotas: provisioned units per account, and per table. */
  static final long ACCOUNT_MAX_UNITS = 80_000;

  static final long TABLE_MAX_UNITS = 40_000;

  /** How long a client may cache the endpoint DescribeEndpoints returns (DynamoDB: a day). */
  static final long ENDPOINT_CACHE_MINUTES = 1_440;

  public AccountOps(
      EngineConfig config, Catalog catalog, ItemWriter writer, Throughput throughput) {
    super(config, catalog, writer, throughput);
  }

  /** DescribeLimits: DynamoDB's default quotas for the account and for one table. */
  public DescribeLimitsResponse describeLimits(DescribeLimitsRequest r) {
    return DescribeLimitsResponse.builder()
        .accountMaxReadCapacityUnits(ACCOUNT_MAX_UNITS)
        .accountMaxWriteCapacityUnits(ACCOUNT_MAX_UNITS)
        .tableMaxReadCapacityUnits(TABLE_MAX_UNITS)
        .tableMaxWriteCapacityUnits(TABLE_MAX_UNITS)
        .build();
  }

  /** DescribeEndpoints: the regional endpoint, as DynamoDB answers. */
  public DescribeEndpointsResponse describeEndpoints(DescribeEndpointsRequest r) {
    return DescribeEndpointsResponse.builder()
        .endpoints(
            Endpoint.builder()
                .address("dynamodb." + config.region() + ".amazonaws.com")
                .cachePeriodInMinutes(ENDPOINT_CACHE_MINUTES)
                .build())
        .build();
  }
}
