/**
 * The HTTP front end of the embedded engine: a DynamoDB JSON 1.0 wire-protocol server ({@link
 * pitr.local.http.LocalServer}) and the metadata-driven codec between wire JSON and the SDK's model
 * objects.
 */
package pitr.local.http;
