package io.flowcast.actions;

import io.flowcast.workflow.Actor;
import io.flowcast.workflow.WorkflowEvents;
import io.flowcast.workflow.WorkflowKey;

import java.time.Instant;

/**
 * An action event's JSON after its id, seq and version, in two parts around its {@code data}: the scripts
 * decide which action a claim hands out, so they write the data between the two. Built by
 * {@link WorkflowEvents#rest} like every other event, so the format stays in one place.
 */
public record EventRest(String head, String tail) {
  private static final String EMPTY_DATA = "\"data\":{}";

  public static EventRest of(WorkflowKey key, String type, Actor actor, Instant now) {
    String json = WorkflowEvents.rest(key, type, null, null, null, actor.subject(), now).encode();
    // workflow_id and type come before data and cannot hold quotes (identifier rule): the first match is it
    int at = json.indexOf(EMPTY_DATA);
    return new EventRest("," + json.substring(1, at) + "\"data\":", json.substring(at + EMPTY_DATA.length()));
  }
}
