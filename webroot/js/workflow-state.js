// A workflow snapshot carried forward by the events of its feed, without reading it again where the
// event says everything: a merge patch, a committed draft, a rollback (its full state).
import { mergePatch } from './json.js';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The workflow after event: the same object when the event does not change it (not newer), the next
 * version when the event carries the change, or null when it does not (read the workflow again).
 */
export function advance(workflow, event) {
  if (!workflow || typeof event.version !== 'number' || event.version <= workflow.version) return workflow;
  const data = event.data;
  if (event.version !== workflow.version + 1 || !isObject(data)) return null;
  const next = { ...workflow, version: event.version, updated_at: event.created_at ?? workflow.updated_at };
  switch (event.type) {
    case 'state.updated':
    case 'status.changed':
      if ('status' in data) next.status = data.status;
      if ('state' in data) next.state = mergePatch(workflow.state, data.state);
      if ('metadata' in data) next.metadata = mergePatch(workflow.metadata, data.metadata);
      return next;
    case 'draft.committed': {
      if (typeof data.section_id !== 'string') return null;
      const state = isObject(workflow.state) ? structuredClone(workflow.state) : {};
      state.sections = { ...(isObject(state.sections) ? state.sections : {}), [data.section_id]: data.raw_draft };
      next.state = state;
      return next;
    }
    case 'interrupt.raised':
    case 'interrupt.resolved':
      // a raise moves the status to waiting, the last answer back to running (docs/API.md, "Interrupts")
      if (typeof data.to !== 'string') return null;
      next.status = data.to;
      return next;
    case 'state.rolled_back':
      if (!isObject(data.state)) return null;
      next.state = structuredClone(data.state);
      return next;
    default:
      return null;
  }
}

/** The committed text of each section: state.sections as {section: string}. */
export function committedSections(workflow) {
  const sections = workflow?.state?.sections;
  if (!isObject(sections)) return {};
  return Object.fromEntries(Object.entries(sections).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
}
