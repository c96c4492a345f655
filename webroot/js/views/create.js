// Create a workflow: POST /api/v1/workflows, then open it.
import { api, describe } from '../api.js';
import { focusHeading, h, route } from '../dom.js';
import { STATUSES } from '../lifecycle.js';

const ID_RULE = /^[A-Za-z0-9._-]{1,128}$/;

export function createView(container) {
  document.title = 'New workflow · Flowcast';
  const field = (id, label, control, help) => {
    const error = h('p', { id: `${id}-error`, class: 'error', hidden: true });
    control.id = id;
    control.setAttribute('aria-describedby', [help ? `${id}-help` : null, `${id}-error`].filter(Boolean).join(' '));
    return {
      control,
      error,
      el: h('div', { class: 'field' }, h('label', { for: id }, label), control,
        help ? h('p', { id: `${id}-help`, class: 'help' }, help) : null, error),
    };
  };
  const idField = field('new-id', 'Id (optional)', h('input', { name: 'id', autocomplete: 'off', spellcheck: 'false',
    maxlength: 128 }), 'Letters, digits, dot, underscore, dash; up to 128. Left empty, the server picks one.');
  const statusField = field('new-status', 'Status', h('select', { name: 'status' },
    STATUSES.map((s) => h('option', { value: s }, s))));
  const stateField = field('new-state', 'State (JSON object)',
    h('textarea', { name: 'state', rows: 6, spellcheck: 'false' }, '{}'));
  const metadataField = field('new-metadata', 'Metadata (JSON object)',
    h('textarea', { name: 'metadata', rows: 3, spellcheck: 'false' }, '{}'));
  const ttlField = field('new-ttl', 'Idle lifetime in seconds (optional)',
    h('input', { name: 'ttl_seconds', type: 'number', min: 1, step: 1, inputmode: 'numeric' }),
    'Without interaction for this long the workflow expires; empty = the server default.');
  const formError = h('p', { id: 'create-error', class: 'error', role: 'alert', hidden: true });
  const submit = h('button', { type: 'submit' }, 'Create workflow');
  const fields = [idField, statusField, stateField, metadataField, ttlField];
  const form = h('form', { id: 'create-form', class: 'panel', novalidate: true },
    fields.map((f) => f.el), formError, submit);

  container.append(
    h('div', { class: 'view-head' },
      h('p', { class: 'crumbs' }, h('a', { href: '#/' }, 'Workflows'), ' / '),
      h('h1', null, 'New workflow')),
    form);
  focusHeading(container);

  const invalid = (f, text) => {
    f.error.hidden = false;
    f.error.textContent = text;
    f.control.setAttribute('aria-invalid', 'true');
  };
  const jsonObject = (f) => {
    const text = f.control.value.trim();
    if (!text) return {};
    try {
      const value = JSON.parse(text);
      if (value && typeof value === 'object' && !Array.isArray(value)) return value;
    } catch {
      // reported below
    }
    invalid(f, 'Enter a JSON object, such as {"step": "triage"}.');
    return undefined;
  };

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    for (const f of fields) {
      f.error.hidden = true;
      f.control.removeAttribute('aria-invalid');
    }
    formError.hidden = true;
    const body = { status: statusField.control.value };
    const id = idField.control.value.trim();
    if (id) {
      if (!ID_RULE.test(id) || id === '.' || id === '..') invalid(idField, 'Use 1 to 128 letters, digits, ".", "_" or "-".');
      else body.id = id;
    }
    body.state = jsonObject(stateField);
    body.metadata = jsonObject(metadataField);
    const ttl = ttlField.control.value.trim();
    if (ttl) {
      if (!/^[1-9][0-9]{0,9}$/.test(ttl)) invalid(ttlField, 'Enter a whole number of seconds.');
      else body.ttl_seconds = Number(ttl);
    }
    const firstInvalid = fields.find((f) => f.control.getAttribute('aria-invalid'));
    if (firstInvalid) {
      firstInvalid.control.focus();
      return;
    }
    submit.disabled = true;
    try {
      const { data } = await api('POST', '/api/v1/workflows', { body });
      location.hash = route('w', data.id);
    } catch (err) {
      formError.hidden = false;
      formError.textContent = err.status === 409 ? `A workflow with the id "${id}" exists already.` : describe(err);
    } finally {
      submit.disabled = false;
    }
  });
  return {};
}
