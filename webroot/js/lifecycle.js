// The workflow lifecycle of docs/API.md ("Lifecycle"): which moves a PATCH may make, and which need a reopen.

export const STATUSES = ['pending', 'running', 'waiting', 'completed', 'failed', 'cancelled'];
export const OPEN = ['pending', 'running', 'waiting'];
export const TERMINAL = ['completed', 'failed', 'cancelled'];

export const isTerminal = (status) => TERMINAL.includes(status);

/** The statuses a PATCH may move a workflow in `status` to (none from a terminal one: reopen instead). */
export function patchMoves(status) {
  return isTerminal(status) ? [] : STATUSES.filter((s) => s !== status);
}

/** The statuses POST …/reopen may bring a terminal workflow back to (the server's default first). */
export const REOPEN_TO = ['running', 'pending', 'waiting'];
