// The console of one workflow on its overview: change its status (the lifecycle's allowed moves only, or
// reopen a terminal one), publish an event, delete it (confirmed). Every write goes through the public API;
// the view shows the result when the stream brings it.
import { api, describe, workflowPath } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { h } from '../dom.js';
import { REOPEN_TO, isTerminal, patchMoves } from '../lifecycle.js';
import { READ_ONLY_NOTE, mayWrite } from '../scopes.js';

const TYPE_RULE = /^[A-Za-z0-9._-]{1,128}$/;

/** workflowControls(id) -> {el, update(workflow), end()} */
export function workflowControls(id) {
  let status = null;
  const writable = mayWrite();
  const message = h('p', { id: 'controls-message', class: 'help', role: 'status', tabindex: -1 });
  const error = h('p', { id: 'controls-error', class: 'error', role: 'alert', hidden: true });

  const moveSelect = h('select', { id: 'wf-move', name: 'status' });
  const moveButton = h('button', { type: 'submit', id: 'wf-move-submit' }, 'Change status');
  const moveForm = h('form', { class: 'inline-form', 'aria-label': 'Change status', novalidate: true },
    h('div', { class: 'field' }, h('label', { for: 'wf-move' }, 'Move to'), moveSelect), moveButton);

  const terminalNote = h('p', { id: 'wf-terminal-note', class: 'help' });
  const reopenSelect = h('select', { id: 'wf-reopen-status', name: 'status', 'aria-describedby': 'wf-terminal-note' },
    REOPEN_TO.map((s) => h('option', { value: s }, s)));
  const reopenForm = h('form', { class: 'inline-form', 'aria-label': 'Reopen', novalidate: true, hidden: true },
    terminalNote,
    h('div', { class: 'field' }, h('label', { for: 'wf-reopen-status' }, 'Reopen as'), reopenSelect),
    h('button', { type: 'submit', id: 'wf-reopen' }, 'Reopen'));

  const typeInput = h('input', { id: 'event-type', name: 'type', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', maxlength: 128, placeholder: 'agent.note', 'aria-describedby': 'event-type-help' });
  const dataInput = h('textarea', { id: 'event-data', name: 'data', rows: 3, spellcheck: 'false',
    'aria-describedby': 'event-data-help' }, '{}');
  const publishButton = h('button', { type: 'submit', id: 'event-publish' }, 'Publish event');
  const publishForm = h('form', { id: 'publish-form', novalidate: true, 'aria-labelledby': 'publish-title' },
    h('h3', { id: 'publish-title' }, 'Publish an event'),
    h('div', { class: 'field' }, h('label', { for: 'event-type' }, 'Type'), typeInput,
      h('p', { id: 'event-type-help', class: 'help' }, 'Letters, digits, ".", "_", "-"; not a built-in type.')),
    h('div', { class: 'field' }, h('label', { for: 'event-data' }, 'Data (JSON)'), dataInput,
      h('p', { id: 'event-data-help', class: 'help' }, 'Any JSON value; empty sends none.')),
    publishButton);

  const deleteButton = h('button', { type: 'button', id: 'wf-delete', class: 'danger' }, 'Delete workflow…');

  const el = h('section', { id: 'controls', class: 'panel controls', 'aria-labelledby': 'controls-title' },
    h('h2', { id: 'controls-title' }, 'Console'),
    writable ? null : h('p', { id: 'controls-read-only', class: 'notice' }, READ_ONLY_NOTE),
    h('h3', null, 'Status'), moveForm, reopenForm,
    publishForm,
    h('h3', null, 'Delete'),
    h('p', { class: 'help' }, 'Deletes the workflow with its history, drafts, snapshots and actions.'),
    deleteButton,
    message, error);

  function say(text) {
    error.hidden = true;
    message.textContent = text; // a status region: announced without moving focus
  }

  /** After a status move the form used may be gone (or its button disabled): focus what is left to do. */
  function refocus() {
    const active = document.activeElement;
    if (!active || active === document.body || active.disabled || active.closest('[hidden]')) {
      (isTerminal(status) ? reopenSelect : moveSelect).focus();
    }
  }

  function fail(text) {
    message.textContent = '';
    error.hidden = false;
    error.textContent = text;
  }

  async function run(button, fn) {
    button.disabled = true;
    error.hidden = true;
    try {
      await fn();
    } catch (err) {
      fail(describe(err));
    } finally {
      button.disabled = false;
    }
  }

  moveForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const to = moveSelect.value;
    run(moveButton, async () => {
      const { data } = await api('PATCH', workflowPath(id), { body: { status: to },
        headers: { 'Content-Type': 'application/merge-patch+json' } });
      update(data);
      say(`Status changed to ${data.status} (version ${data.version}).`);
    }).then(refocus);
  });

  reopenForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const button = reopenForm.querySelector('button');
    run(button, async () => {
      const { data } = await api('POST', `${workflowPath(id)}/reopen`, { body: { status: reopenSelect.value } });
      update(data);
      say(`Reopened as ${data.status} (version ${data.version}).`);
    }).then(refocus);
  });

  publishForm.addEventListener('submit', (e) => {
    e.preventDefault();
    const type = typeInput.value.trim();
    typeInput.removeAttribute('aria-invalid');
    dataInput.removeAttribute('aria-invalid');
    if (!TYPE_RULE.test(type)) {
      typeInput.setAttribute('aria-invalid', 'true');
      typeInput.focus();
      return fail('Enter an event type: 1 to 128 letters, digits, ".", "_" or "-".');
    }
    const body = { type };
    if (dataInput.value.trim()) {
      try {
        body.data = JSON.parse(dataInput.value);
      } catch (err) {
        dataInput.setAttribute('aria-invalid', 'true');
        dataInput.focus();
        return fail(`The data is not JSON: ${err.message}`);
      }
    }
    run(publishButton, async () => {
      const { data } = await api('POST', `${workflowPath(id)}/events`, { body });
      say(`Published ${data.type} as event #${data.seq}.`);
    });
  });

  deleteButton.addEventListener('click', async () => {
    const sure = await confirmDialog({ title: 'Delete this workflow?', danger: true, confirm: 'Delete', typed: id,
      body: `The workflow ${id}, its history, drafts, snapshots and actions are deleted for good. Open views end.` });
    if (!sure) return;
    run(deleteButton, async () => {
      await api('DELETE', workflowPath(id));
      location.hash = '#/';
    });
  });

  function update(workflow) {
    if (!workflow || workflow.status === status) return;
    status = workflow.status;
    const terminal = isTerminal(status);
    moveSelect.replaceChildren(...patchMoves(status).map((s) => h('option', { value: s }, s)));
    moveForm.hidden = terminal;
    reopenForm.hidden = !terminal;
    terminalNote.textContent = terminal ? `This workflow is ${status}, a terminal status: it takes no changes, `
      + 'events or actions until it is reopened.' : '';
    for (const control of [typeInput, dataInput, publishButton]) control.disabled = terminal;
    if (!writable) disableAll();
  }

  function disableAll() {
    for (const control of el.querySelectorAll('input, select, textarea, button')) control.disabled = true;
  }

  return { el, update, end: disableAll };
}
