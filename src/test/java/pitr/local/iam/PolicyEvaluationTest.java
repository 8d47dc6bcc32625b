package pitr.local.iam;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.dynamodb.model.BatchWriteItemRequest;
import software.amazon.awssdk.services.dynamodb.model.ListTablesRequest;
import software.amazon.awssdk.services.dynamodb.model.PutItemRequest;
import software.amazon.awssdk.services.dynamodb.model.QueryRequest;
import software.amazon.awssdk.services.dynamodb.model.RestoreTableToPointInTimeRequest;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItem;
import software.amazon.awssdk.services.dynamodb.model.TransactWriteItemsRequest;
import software.amazon.awssdk.services.dynamodb.model.WriteRequest;

class PolicyEvaluationTest {
  private static final String ORDERS = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
  private final RequiredPermissions permissions =
      new RequiredPermissions("us-east-1", "123456789012");

  private static IamPolicies policies(String json) {
    return IamPolicies.of(Map.of("AKID", List.of(PolicyDocument.parse(json))), "123456789012");
  }

  private static String allow(String actions, String resources) {
    return "{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":"
        + actions
        + ",\"Resource\":"
        + resources
        + "}]}";
  }

  @Test
  void deny_whenNoStatementAllows_answersDynamoDbsMessageNamingUserActionAndResource() {
    IamPolicies p = policies(allow("\"dynamodb:GetItem\"", "\"" + ORDERS + "\""));

    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:PutItem", ORDERS))))
        .isEqualTo(
            "User: arn:aws:iam::123456789012:user/AKID is not authorized to perform:"
                + " dynamodb:PutItem on resource: "
                + ORDERS
                + " because no identity-based policy allows the dynamodb:PutItem action");
    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:GetItem", ORDERS)))).isNull();
  }

  @Test
  void deny_whenAnExplicitDenyMatches_winsOverAnAllow() {
    IamPolicies p =
        policies(
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:*\",\"Resource\":\"*\"},"
                + "{\"Effect\":\"Deny\",\"Action\":\"dynamodb:Delete*\",\"Resource\":\"*\"}]}");

    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:DeleteTable", ORDERS))))
        .endsWith(" with an explicit deny in an identity-based policy");
    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:PutItem", ORDERS)))).isNull();
  }

  @Test
  void deny_forAKeyWithoutPolicy_deniesEverything() {
    IamPolicies p = policies(allow("\"dynamodb:*\"", "\"*\""));

    assertThat(p.deny("OTHER", List.of(new Permission("dynamodb:ListTables", "*"))))
        .startsWith("User: arn:aws:iam::123456789012:user/OTHER is not authorized");
  }

  @Test
  void wildcards_matchActionsWithoutCaseAndResourcesWithIt() {
    IamPolicies p =
        policies(
            allow(
                "[\"DynamoDB:Get*\",\"dynamodb:Quer?\"]",
                "[\"arn:aws:dynamodb:*:*:table/orders-recovery-*\",\"" + ORDERS + "/index/*\"]"));
    String recovery = "arn:aws:dynamodb:us-east-1:123456789012:table/orders-recovery-7f3a2b";

    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:GetItem", recovery)))).isNull();
    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:Query", ORDERS + "/index/byDay"))))
        .isNull();
    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:Query", ORDERS)))).isNotNull();
    assertThat(
            p.deny(
                "AKID",
                List.of(
                    new Permission(
                        "dynamodb:GetItem",
                        "arn:aws:dynamodb:us-east-1:123456789012:table/Orders-recovery-1"))))
        .isNotNull();
  }

  @Test
  void anAllowWithACondition_neverApplies_andADenyWithOne_always() {
    IamPolicies p =
        policies(
            "{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"dynamodb:GetItem\",\"Resource\":\"*\","
                + "\"Condition\":{\"Bool\":{\"aws:SecureTransport\":\"true\"}}}]}");

    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:GetItem", ORDERS)))).isNotNull();
  }

  @Test
  void notActionAndNotResource_matchEverythingElse() {
    IamPolicies p =
        policies(
            "{\"Statement\":[{\"Effect\":\"Allow\",\"NotAction\":\"dynamodb:DeleteTable\","
                + "\"NotResource\":\""
                + ORDERS
                + "\"}]}");

    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:PutItem", ORDERS + "x")))).isNull();
    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:PutItem", ORDERS)))).isNotNull();
    assertThat(p.deny("AKID", List.of(new Permission("dynamodb:DeleteTable", ORDERS + "x"))))
        .isNotNull();
  }

  @Test
  void parse_refusesADocumentWithoutStatementsOrEffect() {
    assertThatThrownBy(() -> PolicyDocument.parse("{\"Version\":\"2012-10-17\"}"))
        .hasMessage("the policy has no Statement");
    assertThatThrownBy(
            () -> PolicyDocument.parse("{\"Statement\":[{\"Action\":\"x\",\"Resource\":\"*\"}]}"))
        .hasMessage("Statement 0: Effect must be Allow or Deny");
    assertThatThrownBy(() -> PolicyDocument.parse("{\"Statement\":"))
        .hasMessageStartingWith("not a JSON policy document");
  }

  @Test
  void requiredPermissions_ofAnIndexQuery_isTheIndexArn() {
    assertThat(
            permissions.of(
                "Query", QueryRequest.builder().tableName("orders").indexName("byDay").build()))
        .containsExactly(new Permission("dynamodb:Query", ORDERS + "/index/byDay"));
  }

  @Test
  void requiredPermissions_ofATransaction_areEachItemsOwnAction() {
    TransactWriteItemsRequest r =
        TransactWriteItemsRequest.builder()
            .transactItems(
                TransactWriteItem.builder().put(p -> p.tableName("orders")).build(),
                TransactWriteItem.builder().conditionCheck(c -> c.tableName("ledger")).build())
            .build();

    assertThat(permissions.of("TransactWriteItems", r))
        .containsExactly(
            new Permission("dynamodb:PutItem", ORDERS),
            new Permission(
                "dynamodb:ConditionCheckItem",
                "arn:aws:dynamodb:us-east-1:123456789012:table/ledger"));
  }

  @Test
  void requiredPermissions_ofARestore_includeReadsAndWritesOnTheNewTable() {
    List<Permission> needed =
        permissions.of(
            "RestoreTableToPointInTime",
            RestoreTableToPointInTimeRequest.builder()
                .sourceTableName("orders")
                .targetTableName("orders-recovery-1")
                .build());

    assertThat(needed.get(0))
        .isEqualTo(new Permission("dynamodb:RestoreTableToPointInTime", ORDERS));
    assertThat(needed.subList(1, needed.size()))
        .extracting(Permission::action)
        .containsExactly(
            "dynamodb:BatchWriteItem",
            "dynamodb:DeleteItem",
            "dynamodb:GetItem",
            "dynamodb:PutItem",
            "dynamodb:Query",
            "dynamodb:Scan",
            "dynamodb:UpdateItem");
    assertThat(needed.subList(1, needed.size()))
        .extracting(Permission::resource)
        .containsOnly(ORDERS + "-recovery-1");
  }

  @Test
  void requiredPermissions_ofBatchesAndListings() {
    assertThat(
            permissions.of(
                "BatchWriteItem",
                BatchWriteItemRequest.builder()
                    .requestItems(Map.of("orders", List.of(WriteRequest.builder().build())))
                    .build()))
        .containsExactly(new Permission("dynamodb:BatchWriteItem", ORDERS));
    assertThat(permissions.of("ListTables", ListTablesRequest.builder().build()))
        .containsExactly(new Permission("dynamodb:ListTables", "*"));
    assertThat(permissions.of("PutItem", PutItemRequest.builder().tableName("orders").build()))
        .containsExactly(new Permission("dynamodb:PutItem", ORDERS));
  }
}
