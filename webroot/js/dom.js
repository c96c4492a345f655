// Builds DOM without HTML parsing: every string becomes a text node or an attribute value, so
// workflow data (user input) can never turn into markup.

/**
 * h('a', {href: '#/', class: 'x', onclick: fn}, 'text', child, [more])
 * Props: class, text, dataset, on<event> handlers, boolean true = empty attribute, null/false = omitted.
 */
export function h(tag, props, ...children) {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(props ?? {})) {
    if (value == null || value === false) continue;
    if (name === 'class') el.className = value;
    else if (name === 'text') el.textContent = value;
    else if (name === 'dataset') Object.assign(el.dataset, value);
    else if (name.startsWith('on') && typeof value === 'function') el.addEventListener(name.slice(2), value);
    else el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of [children].flat(Infinity)) {
    if (child == null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el) {
  el.replaceChildren();
  return el;
}

/** A link inside the app; ids are URL-encoded so no data can change where it points. */
export function route(...parts) {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

export function formatTime(iso) {
  if (!iso) return '';
  const date = new Date(iso);
  return Number.isNaN(date.getTime()) ? String(iso) : date.toLocaleString();
}

/** <time> with the ISO value kept machine-readable. */
export function time(iso) {
  return h('time', { datetime: iso ?? null }, formatTime(iso));
}

export function statusBadge(status) {
  return h('span', { class: `badge status-${/^[a-z]+$/.test(status ?? '') ? status : 'unknown'}` }, status ?? '?');
}

/** Moves focus to a view's heading so screen readers announce the new view. */
export function focusHeading(container) {
  const heading = container.querySelector('h1');
  if (heading) {
    heading.setAttribute('tabindex', '-1');
    heading.focus({ preventScroll: false });
  }
}
