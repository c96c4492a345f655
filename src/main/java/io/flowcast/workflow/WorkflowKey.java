package io.flowcast.workflow;

/**
 * A workflow's identity: ids are unique within a tenant. {@link #tag()} is the Redis Cluster hash tag
 * content shared by every key of the workflow, and the key used on the event bus.
 */
public record WorkflowKey(String tenant, String id) {
  public WorkflowKey {
    if (!Ids.valid(tenant) || !Ids.valid(id)) {
      throw new IllegalArgumentException("invalid workflow key");
    }
  }

  public String tag() {
    return tenant + ":" + id;
  }

  public static WorkflowKey parseTag(String tag) {
    int colon = tag == null ? -1 : tag.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException("invalid workflow tag");
    }
    return new WorkflowKey(tag.substring(0, colon), tag.substring(colon + 1));
  }

  @Override
  public String toString() {
    return tag();
  }
}
