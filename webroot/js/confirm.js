// A modal confirmation (<dialog>): Enter confirms, Escape or Cancel cancels, focus returns to where it was.
// With `typed`, the confirm button works only once that text is typed (for deletions).
import { h } from './dom.js';

let serial = 0;

/** confirmDialog({title, body, confirm, danger?, typed?}) -> Promise<boolean> */
export function confirmDialog({ title, body, confirm, danger = false, typed = null }) {
  const n = ++serial;
  const opener = document.activeElement;
  const input = typed == null ? null : h('input', { id: `confirm-${n}-input`, autocomplete: 'off', spellcheck: 'false',
    autocapitalize: 'off', 'aria-describedby': `confirm-${n}-body` });
  const ok = h('button', { type: 'submit', class: danger ? 'danger' : null, dataset: { confirm: '' } }, confirm);
  const cancel = h('button', { type: 'button', class: 'secondary', dataset: { cancel: '' } }, 'Cancel');
  const form = h('form', { novalidate: true },
    h('h2', { id: `confirm-${n}-title` }, title),
    h('p', { id: `confirm-${n}-body` }, body),
    input ? h('div', { class: 'field' }, h('label', { for: input.id }, 'Type ', h('code', null, typed), ' to confirm'),
      input) : null,
    h('div', { class: 'dialog-actions' }, ok, cancel));
  const dialog = h('dialog', { class: 'confirm', 'aria-labelledby': `confirm-${n}-title`,
    'aria-describedby': `confirm-${n}-body` }, form);
  const matches = () => !input || input.value.trim() === typed;
  if (input) {
    ok.disabled = true;
    input.addEventListener('input', () => { ok.disabled = !matches(); });
  }
  document.body.append(dialog);
  return new Promise((resolve) => {
    let answer = false;
    form.addEventListener('submit', (e) => {
      e.preventDefault(); // the page handles its forms (CSP form-action 'none')
      if (!matches()) return;
      answer = true;
      dialog.close();
    });
    cancel.addEventListener('click', () => dialog.close());
    dialog.addEventListener('close', () => {
      dialog.remove();
      if (opener?.isConnected) opener.focus();
      resolve(answer);
    });
    dialog.showModal(); // Escape fires 'cancel', then 'close'
    (input ?? ok).focus();
  });
}
