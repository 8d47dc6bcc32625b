package pitr.batch;

import reactor.core.publisher.Mono;
import software.amazon.awssdk.services.scheduler.SchedulerAsyncClient;
import software.amazon.awssdk.services.scheduler.model.CreateScheduleRequest;

/** Every EventBridge Scheduler call pitr makes; the client is the caller's to close. */
public final class ScheduleGateway {
  private final SchedulerAsyncClient client;

  public ScheduleGateway(SchedulerAsyncClient client) {
    this.client = client;
  }

  /** Creates the schedule and returns its ARN. */
  public Mono<String> create(CreateScheduleRequest request) {
    return AwsCalls.call(
            "EventBridge Scheduler CreateSchedule", () -> client.createSchedule(request))
        .map(r -> r.scheduleArn());
  }
}
