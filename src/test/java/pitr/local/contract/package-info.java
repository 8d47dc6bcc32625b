/**
 * Backend-contract tests: the same DynamoDB behaviour checks, through the real SDK v2 async client
 * over HTTP, against every backend present.
 *
 * <p>Each {@link pitr.local.contract.BackendTest} runs once per backend: the embedded engine behind
 * {@code pitr.local.http.LocalServer} (always), {@code moto_server} as a child process (when on
 * PATH) and LocalStack in a Testcontainers container (when a Docker engine is reachable). Absent
 * backends show as skipped invocations. Tests marked {@link pitr.local.contract.ReferenceOnly}
 * check documented DynamoDB behaviour that moto gets wrong and run on the embedded engine only; the
 * annotation says what moto does instead.
 *
 * <p>System properties: {@code -Dpitr.contract.backends=embedded,moto,localstack} picks backends;
 * {@code -Dpitr.contract.referenceOnlyEverywhere=true} runs reference-only tests on every backend,
 * to see whether an emulator still deviates.
 */
package pitr.local.contract;
