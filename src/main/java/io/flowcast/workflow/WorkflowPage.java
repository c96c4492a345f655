package io.flowcast.workflow;

import java.util.List;

/** One page of a listing, newest first; {@code nextCursor} is null on the last page. */
public record WorkflowPage(List<Workflow> items, String nextCursor) {
}
