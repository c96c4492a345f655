// A diff (js/diff.js) as DOM: <del> and <ins> around the changed words, text nodes only.
import { diffStats, diffWords } from './diff.js';
import { h } from './dom.js';

/** {diff: <pre> with the changes marked, summary: "3 words added, 1 removed"} */
export function renderDiff(before, after) {
  const parts = diffWords(before, after);
  const pre = h('pre', { class: 'text diff' }, parts.map(({ op, text }) => (op === 'same' ? text
    : h(op === 'ins' ? 'ins' : 'del', null, text))));
  const { added, removed } = diffStats(parts);
  const words = (n) => `${n} word${n === 1 ? '' : 's'}`;
  const summary = added || removed ? `${words(added)} added, ${words(removed)} removed`
    : (before === after ? 'No change from the committed text' : 'Only spacing or punctuation changed');
  return { diff: pre, summary };
}
