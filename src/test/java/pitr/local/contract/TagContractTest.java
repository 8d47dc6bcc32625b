package pitr.local.contract;

import static org.assertj.core.api.Assertions.assertThat;
import static pitr.local.contract.Ddb.assertValidationError;
import static pitr.local.contract.Ddb.await;
import static pitr.local.contract.Ddb.hashOnly;

import java.util.ArrayList;
import java.util.List;
import software.amazon.awssdk.services.dynamodb.DynamoDbAsyncClient;
import software.amazon.awssdk.services.dynamodb.model.Tag;

/** DynamoDB's tagging restrictions: how many, which keys, and which ARNs. */
class TagContractTest {

  private static Tag tag(String key, String value) {
    return Tag.builder().key(key).value(value).build();
  }

  private static String arn(DynamoDbAsyncClient client, String table) {
    return await(client.describeTable(b -> b.tableName(table))).table().tableArn();
  }

  private static List<Tag> tags(DynamoDbAsyncClient client, String arn) {
    return await(client.listTagsOfResource(b -> b.resourceArn(arn))).tags();
  }

  @BackendTest
  @ReferenceOnly("moto takes more than 50 tags, aws: keys, any character and duplicate keys")
  void tagResource_outsideTheRestrictions_isRefused_andAddsNoTag(Backend backend, Tables tables) {
    DynamoDbAsyncClient client = backend.client();
    String arn = arn(client, tables.create(hashOnly()));
    await(client.tagResource(b -> b.resourceArn(arn).tags(tag("team", "payments"))));
    List<Tag> fifty = new ArrayList<>();
    for (int i = 0; i < 50; i++) {
      fifty.add(tag("k" + i, "v"));
    }

    assertValidationError(() -> await(client.tagResource(b -> b.resourceArn(arn).tags(fifty))))
        .isEqualTo("Number of Tags exceed the current limit for the provided ResourceArn");
    assertValidationError(
            () -> await(client.tagResource(b -> b.resourceArn(arn).tags(tag("aws:team", "x")))))
        .isEqualTo("Tag Key cannot be prefixed with aws:, Key: aws:team");
    assertValidationError(
            () -> await(client.tagResource(b -> b.resourceArn(arn).tags(tag("a#b", "x")))))
        .isEqualTo("The Tag Key provided is invalid, Key: a#b");
    assertValidationError(
            () ->
                await(
                    client.tagResource(b -> b.resourceArn(arn).tags(tag("d", "1"), tag("d", "2")))))
        .isEqualTo("Duplicate Tag Keys provided as input: Duplicate Tag Key found d");

    assertThat(tags(client, arn)).containsExactly(tag("team", "payments"));
    await(
        client.tagResource(
            b -> b.resourceArn(arn).tags(tag("cost centre/ops", "a b"), tag("x.y:z=+-@_", "1"))));
    assertThat(tags(client, arn)).hasSize(3);
  }

  @BackendTest
  @ReferenceOnly("moto answers a malformed ARN as a resource not found")
  void tagCalls_withAnArnThatIsNotOne_areRefused(Backend backend) {
    DynamoDbAsyncClient client = backend.client();

    assertValidationError(() -> await(client.listTagsOfResource(b -> b.resourceArn("notanarn"))))
        .isEqualTo(
            "One or more parameter values were invalid: ARNs must start with 'arn:': notanarn");
    assertValidationError(
            () -> await(client.untagResource(b -> b.resourceArn("orders").tagKeys("team"))))
        .isEqualTo(
            "One or more parameter values were invalid: ARNs must start with 'arn:': orders");
  }
}
