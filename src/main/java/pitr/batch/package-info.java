/**
 * AWS Batch: the job definition pitr runs as, job and array-job submission, EventBridge Scheduler
 * schedules that submit later, the identity of a worker inside an array job, and the jobs' logs.
 *
 * <p>Batch runs and retries the containers; pitr only registers, submits, watches and reads. Every
 * request is built by a pure method (tested on its own) and sent through {@link
 * pitr.batch.BatchGateway}, {@link pitr.batch.ScheduleGateway} or {@link pitr.batch.JobLogs}.
 */
package pitr.batch;
