// What the signed-in token's scope allows, so the page does not offer what the server would refuse with
// a 403 (the server decides; docs/API.md "Authentication").
import { claims } from './session.js';

const has = (c, wanted) => {
  const scopes = String(c?.scope ?? '').split(/\s+/);
  return wanted.some((s) => scopes.includes(s));
};

/** GET /api/v1/system/instances: flowcast:admin or admin. */
export const mayOperate = (c = claims()) => has(c, ['flowcast:admin', 'admin']);

/** POST, PATCH, DELETE on workflows: workflows:write or admin. */
export const mayWrite = (c = claims()) => has(c, ['workflows:write', 'admin']);

/** Answering interrupts: interrupts:answer, workflows:write or admin. */
export const mayAnswer = (c = claims()) => has(c, ['interrupts:answer', 'workflows:write', 'admin']);

export const READ_ONLY_NOTE = 'This token may only read (it lacks the workflows:write scope).';
