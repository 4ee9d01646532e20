// Building the page: elements from data (text, never HTML), the page body, tables, statuses.

/** h('td', { class: 'num' }, 'text', child): an element; strings become text nodes (never HTML). */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith('on')) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat()) if (c !== null && c !== undefined) el.append(c instanceof Node ? c : String(c));
  return el;
}

const main = () => document.getElementById('main');

/** Replaces the page body; null/undefined children (optional sections) are left out, never printed. */
export const show = (...children) => main().replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));

/** The page body says what could not be loaded. */
export function fail(err) {
  main().replaceChildren(h('p', { class: 'error' }, `Could not load: ${err.message}`));
}

export function status(s) {
  return h('span', { class: `status status-${s}` }, s);
}

/** A table of `rows` (arrays of cells: text or elements) under `headers`. */
export function table(headers, rows) {
  return h(
    'table',
    { class: 'grid' },
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c) => h('td', {}, c)),
        ),
      ),
    ),
  );
}

/** The same table in a box that scrolls past a few screens. */
export function scrollTable(headers, rows) {
  return h('div', { class: 'scroll tall' }, table(headers, rows));
}
