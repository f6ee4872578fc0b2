// Building the page without ever parsing HTML. Everything a crawled site
// wrote (names, descriptions, URLs) is untrusted: it reaches the page only
// as text nodes made here, and as links only when the scheme is http(s).
// No innerHTML, insertAdjacentHTML or document.write anywhere in this page.

// Attributes h() refuses (listeners go in `on`): event handler strings, markup sinks and inline
// styles (the CSP forbids them anyway; failing loudly shows the bug).
const kRefused = /^(on.*|innerhtml|outerhtml|srcdoc|style)$/i;

// "http(s)://…" as a normalized URL string, or null for anything else
// (javascript:, data:, relative, unparsable, not a string).
export function safeHttpUrl(value) {
  if (typeof value !== 'string' || value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : null;
  } catch {
    return null;
  }
}

// Our own links: in-page routes ("#/jobs/…") and same-origin paths.
function isOwnHref(value) {
  return typeof value === 'string' && (value.startsWith('#') || /^\/(?!\/)/.test(value));
}

// Appends children: Nodes as they are, anything else as a text node;
// arrays are flattened, null/undefined/false skipped.
export function append(parent, ...children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

// h('a', {class: 'x', href: '#/jobs', on: {click: fn}}, 'text', node, …):
// an element with attributes and children. `text` sets textContent; an
// href that is neither ours nor http(s) is dropped. Throws on a refused
// attribute name (a programming error, not data).
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'on') {
      for (const [ev, fn] of Object.entries(value)) el.addEventListener(ev, fn);
      continue;
    }
    if (kRefused.test(key)) throw new Error(`h(): attribute '${key}' is not allowed`);
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = String(value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'value') el.value = String(value);
    else if (['checked', 'disabled', 'hidden', 'selected', 'required', 'open'].includes(key)) el[key] = Boolean(value);
    else if (key === 'href') {
      const href = isOwnHref(value) ? value : safeHttpUrl(value);
      if (href) el.setAttribute('href', href);
    } else el.setAttribute(key, value === true ? '' : String(value));
  }
  return append(el, children);
}

// A link to a scraped URL when it is http(s) (new tab, no referrer, no
// follow); otherwise the same text, not clickable.
export function extLink(url, label) {
  const text = String(label ?? url ?? '');
  const href = safeHttpUrl(url);
  if (!href) return h('span', {class: 'wrap'}, text);
  return h('a', {href, rel: 'noopener noreferrer nofollow', target: '_blank', class: 'wrap'}, text);
}

// Empties `el`, then appends `children` as append() does.
export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, ...children);
}

// ISO time → the reader's local date and time; '—' for none.
export function fmtTime(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? String(iso) : d.toLocaleString();
}

export function fmtNumber(n, digits = 0) {
  if (n === null || n === undefined || Number.isNaN(Number(n))) return '—';
  return Number(n).toLocaleString(undefined, {maximumFractionDigits: digits, minimumFractionDigits: digits});
}

// Seconds → "45 s", "3 min", "2 h 5 min".
export function fmtDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 60) return `${Math.max(1, Math.round(seconds))} s`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min`;
  return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export function badge(text, kind) {
  return h('span', {class: `badge ${kind || text || ''}`}, text);
}

// A notice box ('ok', 'warn' or 'bad') holding the given children.
export function notice(kind, ...children) {
  return h('div', {class: `notice ${kind}`, role: kind === 'bad' ? 'alert' : 'status'}, ...children);
}

// A table of `columns` (header labels) over rows of cells; cells as for append().
export function table(columns, rows, attrs = {}) {
  return h('div', {class: 'table-wrap'},
    h('table', attrs,
      h('thead', null, h('tr', null, columns.map((c) => h('th', null, c)))),
      h('tbody', null, rows)));
}

// Resolves after `ms`, or at once when `signal` aborts.
export function sleep(ms, signal) {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, {once: true});
  });
}
