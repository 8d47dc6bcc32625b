package pitr.local.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import pitr.local.EngineConfig;
import pitr.local.LocalEngine;

class OperationsTest {
  @Test
  void dispatchTable_listsEveryOperationTheEngineServes_andNothingElse() {
    try (LocalEngine engine = LocalEngine.create(EngineConfig.defaults())) {
      assertThat(Operations.of(engine).keySet())
          .isEqualTo(StubOperations.of(engine).keySet())
          .contains(
              "PutItem",
              "RestoreTableToPointInTime",
              "TransactWriteItems",
              "UpdateTimeToLive",
              "ExportTableToPointInTime",
              "DescribeExport",
              "ListExports")
          .hasSize(33);
      Operations.of(engine)
          .forEach(
              (name, op) ->
                  assertThat(op.requestBuilder().get().getClass().getName())
                      .as(name)
                      .contains(name + "Request"));
    }
  }
}
