/**
 * Reading DynamoDB point-in-time exports (full and incremental, DYNAMODB_JSON) from S3 or from a
 * directory laid out as S3: the manifest first, then each data file, verified against its MD5 and
 * item count, as a stream of changes. A half-written export (no manifest summary, a data file
 * missing or altered) is refused before any change is handed out.
 */
package pitr.export;
