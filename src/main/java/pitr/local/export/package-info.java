/**
 * Point-in-time exports of the engine: the files of DynamoDB's export format (DYNAMODB_JSON data
 * files, manifests and their checksums) and the destinations they are written to, an S3 API through
 * the SDK's S3 client or a local directory laid out as buckets.
 */
package pitr.local.export;
