// The open interrupts of a workflow on its overview (docs/API.md, "Interrupts"): what a worker asks, and the
// form to answer it. Read from the listing, read again whenever an interrupt.* event or a status change
// arrives (the answer may come from another tab, device or person). The server checks every answer against
// the interrupt's JSON Schema; its 400 is shown as it is.
import { api, describe, workflowPath } from '../api.js';
import { h, time } from '../dom.js';
import { compactJson } from '../json-view.js';
import { mayAnswer } from '../scopes.js';

const RELOAD_ON = new Set(['interrupt.raised', 'interrupt.resolved', 'status.changed', 'state.updated',
  'workflow.cancelled']);

/** The values an answer may take when its schema lists them: an enum, or an object of one enum property. */
export function choices(schema) {
  if (Array.isArray(schema?.enum)) return schema.enum.map((value) => ({ label: String(value), value }));
  const required = Array.isArray(schema?.required) ? schema.required : [];
  const props = schema?.properties;
  if (schema?.type === 'object' && required.length === 1 && Array.isArray(props?.[required[0]]?.enum)
    && Object.keys(props).length === 1) {
    const name = required[0];
    return props[name].enum.map((value) => ({ label: String(value), value: { [name]: value } }));
  }
  return null;
}

/** interruptsPanel(id) -> {el, load(), event(event), end()} */
export function interruptsPanel(id) {
  const answering = mayAnswer();
  const list = h('ol', { id: 'interrupts', class: 'cards', 'aria-labelledby': 'interrupts-title' });
  const empty = h('p', { id: 'interrupts-empty', class: 'help' }, 'No open interrupts.');
  const message = h('p', { id: 'interrupts-message', class: 'help', role: 'status' });
  const el = h('section', { id: 'interrupts-panel', class: 'panel', 'aria-labelledby': 'interrupts-title' },
    h('h2', { id: 'interrupts-title' }, 'Waiting for an answer'),
    answering ? null : h('p', { class: 'notice' }, 'This token may not answer interrupts (it lacks interrupts:answer).'),
    empty, list, message);
  let loading = false;
  let again = false;
  let ended = false;

  async function answer(interrupt, value, form) {
    const buttons = [...form.querySelectorAll('button')];
    buttons.forEach((b) => { b.disabled = true; });
    const error = form.querySelector('.error');
    error.hidden = true;
    try {
      await api('POST', `${workflowPath(id)}/interrupts/${encodeURIComponent(interrupt.id)}/resolve`,
        { body: { value } });
      message.textContent = `Answered ${interrupt.kind}: ${compactJson(value, 80)}`;
      load();
    } catch (err) {
      error.hidden = false;
      error.textContent = `Not answered: ${describe(err)}`;
      buttons.forEach((b) => { b.disabled = false; });
    }
  }

  function form(interrupt) {
    const error = h('p', { class: 'error', role: 'alert', hidden: true });
    const f = h('form', { class: 'interrupt-answer', novalidate: true,
      'aria-label': `Answer ${interrupt.kind}` });
    const options = choices(interrupt.schema);
    if (options) {
      f.append(h('div', { class: 'inline-form' }, options.map((o) => h('button', { type: 'button',
        dataset: { answer: o.label }, onclick: () => answer(interrupt, o.value, f) }, o.label))), error);
      return f;
    }
    const field = `answer-${interrupt.id}`;
    const input = h('textarea', { id: field, name: 'value', rows: 3, spellcheck: 'false' },
      interrupt.schema ? '{}' : '');
    f.append(h('div', { class: 'field' }, h('label', { for: field },
      interrupt.schema ? 'Answer (JSON matching the schema)' : 'Answer (text)'), input),
      h('button', { type: 'submit', dataset: { answer: 'submit' } }, 'Answer'), error);
    f.addEventListener('submit', (e) => {
      e.preventDefault();
      let value = input.value;
      if (interrupt.schema) {
        try {
          value = JSON.parse(input.value);
        } catch {
          error.hidden = false;
          error.textContent = 'The answer is not valid JSON.';
          return;
        }
      }
      answer(interrupt, value, f);
    });
    return f;
  }

  function card(interrupt) {
    return h('li', { class: 'card interrupt', dataset: { id: interrupt.id, kind: interrupt.kind } },
      h('div', { class: 'action-head' }, h('span', { class: 'card-title' }, interrupt.kind)),
      h('p', { class: 'interrupt-prompt' }, interrupt.prompt),
      h('div', { class: 'card-meta' },
        interrupt.raised_by ? h('span', null, `asked by ${interrupt.raised_by}`) : null,
        h('span', null, 'raised ', time(interrupt.created_at)),
        interrupt.expires_at ? h('span', null, 'answer before ', time(interrupt.expires_at)) : null),
      interrupt.schema ? h('details', null, h('summary', null, 'Schema of the answer'),
        h('pre', { class: 'json' }, JSON.stringify(interrupt.schema, null, 2))) : null,
      answering && !ended ? form(interrupt) : null);
  }

  async function load() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    again = false;
    try {
      const { data } = await api('GET', `${workflowPath(id)}/interrupts`, { query: { status: 'open' } });
      const open = (data?.items ?? []).filter((i) => typeof i?.id === 'string');
      list.replaceChildren(...open.map(card));
      empty.hidden = open.length > 0;
    } catch (err) {
      if (err.status !== 401 && err.status !== 404) message.textContent = `The interrupts cannot be read: ${describe(err)}`;
    } finally {
      loading = false;
    }
    if (again) load();
  }

  return {
    el,
    load,
    event(event) {
      if (RELOAD_ON.has(event.type)) load();
    },
    end() {
      ended = true;
      el.querySelectorAll('form').forEach((f) => f.remove());
    },
  };
}
