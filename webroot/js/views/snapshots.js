// The snapshots of a workflow (newest first) with "show" (on the version slider), rollback (confirmed)
// and a form to take one. Part of the versions view.
import { api, describe, workflowPath } from '../api.js';
import { confirmDialog } from '../confirm.js';
import { h, time } from '../dom.js';
import { READ_ONLY_NOTE, mayWrite } from '../scopes.js';

const LABEL_RULE = /^[A-Za-z0-9._-]{1,128}$/;

/** snapshotsPanel(id, {show(version), rolledBack(workflow)}) -> {el, load(), rollback(body, what), writable(), setWritable(on)} */
export function snapshotsPanel(id, { show, rolledBack }) {
  const allowed = mayWrite();
  let writable = allowed;
  let listing = null;
  let stale = false;
  const list = h('ul', { id: 'snapshot-list', class: 'cards', 'aria-labelledby': 'snapshots-title' });
  const message = h('p', { id: 'snapshots-message', class: 'help', role: 'status' });
  const empty = h('p', { class: 'help', hidden: true }, 'No snapshots yet.');
  const error = h('p', { id: 'snapshots-error', class: 'error', role: 'alert', hidden: true });
  const labelInput = h('input', { id: 'snapshot-label', name: 'label', autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', maxlength: 128, 'aria-describedby': 'snapshot-label-help' });
  const take = h('button', { type: 'submit', id: 'snapshot-take' }, 'Take snapshot');
  const form = h('form', { class: 'inline-form', novalidate: true, 'aria-label': 'Take a snapshot' },
    h('div', { class: 'field' }, h('label', { for: 'snapshot-label' }, 'Label'), labelInput,
      h('p', { id: 'snapshot-label-help', class: 'help' }, 'Keeps the current state under this label.')),
    take);
  const el = h('section', { id: 'snapshots', class: 'panel snapshots', 'aria-labelledby': 'snapshots-title' },
    h('h2', { id: 'snapshots-title' }, 'Snapshots'),
    allowed ? null : h('p', { class: 'notice' }, READ_ONLY_NOTE), form, error, message, empty, list);

  function fail(text) {
    error.hidden = false;
    error.textContent = text;
  }

  async function load() {
    if (listing) {
      stale = true;
      return;
    }
    stale = false;
    listing = api('GET', `${workflowPath(id)}/snapshots`);
    try {
      const { data } = await listing;
      const items = data?.snapshots ?? [];
      list.replaceChildren(...items.map(item));
      empty.hidden = items.length > 0;
    } catch (err) {
      if (err.status !== 401) message.textContent = `The snapshots cannot be read: ${describe(err)}`;
    } finally {
      listing = null;
    }
    if (stale) load();
  }

  function item(snapshot) {
    const what = `snapshot ${snapshot.label}`;
    return h('li', { class: 'card', dataset: { label: snapshot.label, version: snapshot.version } },
      h('span', { class: 'card-title' }, snapshot.label),
      h('div', { class: 'card-meta' },
        h('span', null, `version ${snapshot.version}`),
        snapshot.author ? h('span', null, `by ${snapshot.author}`) : null,
        h('span', null, 'taken ', time(snapshot.created_at))),
      h('div', { class: 'button-row' },
        h('button', { type: 'button', class: 'secondary', dataset: { action: 'show' },
          'aria-label': `Show version ${snapshot.version} (${what})`, onclick: () => show(snapshot.version) },
        'Show version'),
        h('button', { type: 'button', class: 'secondary', dataset: { action: 'rollback' }, disabled: !writable,
          'aria-label': `Roll back to ${what}`, onclick: () => rollback({ label: snapshot.label }, what) },
        'Roll back…')));
  }

  async function rollback(body, what) {
    error.hidden = true;
    const sure = await confirmDialog({ title: `Roll back to ${what}?`, confirm: 'Roll back',
      body: 'The state becomes what it was then, as a new version (status and metadata stay). '
        + 'The history keeps every version.' });
    if (!sure) return;
    try {
      const { data } = await api('POST', `${workflowPath(id)}/rollback`, { body });
      rolledBack(data);
    } catch (err) {
      fail(`Not rolled back: ${describe(err)}`);
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    error.hidden = true;
    const label = labelInput.value.trim();
    labelInput.removeAttribute('aria-invalid');
    if (!LABEL_RULE.test(label)) {
      labelInput.setAttribute('aria-invalid', 'true');
      labelInput.focus();
      return fail('Enter a label: 1 to 128 letters, digits, ".", "_" or "-".');
    }
    take.disabled = true;
    try {
      const { data } = await api('POST', `${workflowPath(id)}/snapshots`, { body: { label } });
      labelInput.value = '';
      message.textContent = `Snapshot ${data.label} keeps version ${data.version}`
        + (data.dropped ? ` (the oldest, ${data.dropped}, was dropped).` : '.');
      load();
    } catch (err) {
      fail(err.status === 409 && !/terminal/.test(err.message) ? `A snapshot labelled ${label} exists already.`
        : `No snapshot taken: ${describe(err)}`);
    } finally {
      take.disabled = !writable;
    }
  });

  return {
    el,
    load,
    rollback,
    writable: () => writable,
    setWritable(on) {
      writable = on && allowed;
      take.disabled = !writable;
      labelInput.disabled = !writable;
      for (const b of list.querySelectorAll('button[data-action="rollback"]')) b.disabled = !writable;
    },
  };
}
