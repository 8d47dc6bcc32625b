package pitr.migrate;

/** The kind of write a journal entry records. */
public enum WriteOp {
  /** PutItem: the image written is the item given. */
  PUT,
  /** UpdateItem: the image written is the item as DynamoDB returned it after the update. */
  UPDATE,
  /** DeleteItem: the item is gone; the image hash is {@link ItemHash#DELETED}. */
  DELETE
}
