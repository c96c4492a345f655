// Pretty-printed JSON as DOM (text nodes only), with the properties at changed paths marked.
import { h } from './dom.js';
import { pathKey } from './json.js';

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** Renders value into a fragment; a property whose path (after prefix) is in changed gets class "changed". */
export function renderJson(value, changed = new Set(), prefix = []) {
  const fragment = document.createDocumentFragment();
  fragment.append(node(value, prefix, '', changed));
  return fragment;
}

function node(value, path, indent, changed) {
  if (isObject(value)) {
    const keys = Object.keys(value);
    if (keys.length === 0) return h('span', { class: 'j-punct' }, '{}');
    const inner = indent + '  ';
    const lines = keys.map((key, i) => {
      const childPath = [...path, key];
      const isChanged = changed.has(pathKey(childPath));
      return h('span', { class: isChanged ? 'j-prop changed' : 'j-prop', dataset: { key } },
        inner,
        h('span', { class: 'j-key' }, JSON.stringify(key)),
        ': ',
        node(value[key], childPath, inner, changed),
        i < keys.length - 1 ? ',' : '',
        '\n');
    });
    return h('span', null, '{\n', lines, indent, '}');
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return h('span', { class: 'j-punct' }, '[]');
    const inner = indent + '  ';
    const items = value.map((item, i) =>
      h('span', null, inner, node(item, [...path, i], inner, changed), i < value.length - 1 ? ',' : '', '\n'));
    return h('span', null, '[\n', items, indent, ']');
  }
  const type = value === null ? 'null' : typeof value;
  return h('span', { class: `j-${type}` }, JSON.stringify(value) ?? 'null');
}

/** One-line JSON for the event log, cut at max characters. */
export function compactJson(value, max = 400) {
  const text = JSON.stringify(value) ?? '';
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
