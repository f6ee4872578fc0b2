// The submit form: domains typed or pasted (space, comma, semicolon or
// newline separated) or read from a .txt/.csv file in the browser, parallel
// or embedded, auto-approve or review. After submitting it shows what the
// server made of it: the mode the job really got (and why), duplicates, and
// the inputs it refused with their reasons.

import {ApiError, api, isAbort} from './api.js';
import {append, clear, h, notice, table} from './dom.js';

// A cell of a CSV file that is a domain or an http(s) URL: labels of
// letters, digits and hyphens, a top-level label starting with a letter
// (IDNs included); no spaces, no '@' (emails are not domains).
const kDomainLike =
  /^(?:https?:\/\/)?(?:[\p{L}\p{N}](?:[\p{L}\p{N}-]*[\p{L}\p{N}])?\.)+\p{L}[\p{L}\p{N}-]{1,62}\.?(?::\d{1,5})?(?:[/?#]\S*)?$/iu;

// The words of a text as the API splits them: on spaces, commas,
// semicolons and newlines.
export function splitDomains(text) {
  return text.split(/[\s,;]+/u).filter((word) => word !== '');
}

// RFC 4180 records with `delimiter`, quotes and CRLF understood.
export function parseCsv(text, delimiter = ',') {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; ++i) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; ++i; }
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === delimiter) { row.push(field); field = ''; }
    else if (c === '\n' || c === '\r') {
      if (c === '\r' && text[i + 1] === '\n') ++i;
      row.push(field); rows.push(row); row = []; field = '';
    } else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  return rows;
}

// Every cell of a CSV file that looks like a domain or URL, in order. The
// delimiter is whichever of , ; or tab the first line has most of.
export function domainsFromCsv(text) {
  const firstLine = text.split(/\r?\n/, 1)[0] || '';
  const count = (ch) => firstLine.split(ch).length - 1;
  const delimiter = [',', ';', '\t'].reduce((best, ch) => (count(ch) > count(best) ? ch : best), ',');
  const out = [];
  for (const row of parseCsv(text, delimiter)) {
    for (const cell of row) {
      const value = cell.trim();
      if (kDomainLike.test(value)) out.push(value);
    }
  }
  return out;
}

function readFile(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error || new Error('the file could not be read'));
    reader.readAsText(file);
  });
}

function modeWords(mode) {
  return mode === 'redis_parallel' ? 'parallel (Redis workers)' : 'embedded (runs inside the server)';
}

function rejectedTable(rejected) {
  return table(['Input', 'Why it was refused'],
    rejected.map((r) => h('tr', null, h('td', {class: 'mono wrap'}, r.input), h('td', {class: 'wrap'}, r.reason))),
    {id: 'rejected-table'});
}

// What the server answered to a submission.
function resultCard(answer, askedParallel, autoApprove) {
  const parts = [
    h('h2', null, 'Job submitted'),
    h('p', null, 'Job ', h('a', {href: `#/jobs/${encodeURIComponent(answer.job_id)}`, class: 'mono'}, answer.job_id),
      `: ${answer.total} domain${answer.total === 1 ? '' : 's'}`,
      answer.duplicates ? `, ${answer.duplicates} duplicate${answer.duplicates === 1 ? '' : 's'} folded` : '', '.'),
    h('p', null, 'Mode: ', h('strong', {id: 'submit-mode', dataset: {mode: answer.mode}}, modeWords(answer.mode)), '. ',
      autoApprove ? 'Profiles are approved automatically.' : 'Profiles wait for review in the approval queue.'),
  ];
  if (answer.fallback_reason) {
    parts.push(notice('warn', askedParallel ? 'Asked for parallel, but it runs embedded: ' : 'Runs embedded: ',
      h('span', {id: 'fallback-reason'}, answer.fallback_reason)));
  }
  if (answer.rejected?.length) {
    parts.push(h('h3', null, `${answer.rejected.length} input${answer.rejected.length === 1 ? '' : 's'} refused`),
      rejectedTable(answer.rejected));
  }
  parts.push(h('div', {class: 'actions'},
    h('a', {class: 'button primary', href: `#/jobs/${encodeURIComponent(answer.job_id)}`, id: 'watch-job'}, 'Watch the job')));
  return h('section', {class: 'card', id: 'submit-result'}, parts);
}

export function renderSubmit(main, {signal}) {
  const textarea = h('textarea', {id: 'domains', name: 'domains', spellcheck: 'false',
    placeholder: 'example.com, https://www.example.org/contact\nexample.net'});
  const fileInfo = h('span', {class: 'muted small', id: 'file-info'});
  const fileInput = h('input', {type: 'file', id: 'domains-file', accept: '.txt,.csv,text/plain,text/csv'});
  const count = h('span', {class: 'muted small', id: 'domain-count'});
  const result = h('div', {id: 'submit-output'});
  const maxPages = h('input', {type: 'number', id: 'max-pages', min: '1', max: '100', placeholder: '10'});
  const button = h('button', {type: 'submit', class: 'primary', id: 'submit-button'}, 'Submit');

  const updateCount = () => {
    const n = splitDomains(textarea.value).length;
    count.textContent = n ? `${n} input${n === 1 ? '' : 's'}` : '';
  };
  textarea.addEventListener('input', updateCount);

  fileInput.addEventListener('change', async () => {
    const file = fileInput.files?.[0];
    if (!file) return;
    try {
      const text = await readFile(file);
      const isCsv = /\.csv$/i.test(file.name) || file.type === 'text/csv';
      const found = isCsv ? domainsFromCsv(text) : splitDomains(text);
      const existing = textarea.value.trim();
      textarea.value = (existing ? `${existing}\n` : '') + found.join('\n');
      fileInfo.textContent = `${found.length} domain${found.length === 1 ? '' : 's'} read from ${file.name}`;
      updateCount();
    } catch (err) {
      fileInfo.textContent = `Could not read ${file.name}: ${err.message}`;
    }
    fileInput.value = '';
  });

  const form = h('form', {id: 'submit-form', class: 'card'},
    h('label', {for: 'domains'}, 'Domains'),
    h('p', {class: 'muted small'}, 'Separated by spaces, commas, semicolons or new lines. URLs are fine: they are reduced to their domain.'),
    textarea,
    h('div', {class: 'actions'}, h('label', {class: 'inline', for: 'domains-file'}, 'Or read a .txt or .csv file:'), fileInput, fileInfo, count),
    h('fieldset', null, h('legend', null, 'Where it runs'),
      h('label', {class: 'inline'}, h('input', {type: 'radio', name: 'mode', value: 'parallel', checked: true}), 'Parallel: Redis workers'),
      h('label', {class: 'inline'}, h('input', {type: 'radio', name: 'mode', value: 'embedded'}), 'Embedded: inside this server')),
    h('fieldset', null, h('legend', null, 'Results'),
      h('label', {class: 'inline'}, h('input', {type: 'radio', name: 'approval', value: 'review', checked: true}), 'Review each profile'),
      h('label', {class: 'inline'}, h('input', {type: 'radio', name: 'approval', value: 'auto'}), 'Approve automatically')),
    h('label', {for: 'max-pages'}, 'Pages per domain (1–100, default 10)'),
    maxPages,
    h('div', {class: 'actions'}, button));

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    clear(result);
    const domains = splitDomains(textarea.value);
    if (!domains.length) {
      append(result, notice('bad', 'Enter at least one domain, or read a file.'));
      return;
    }
    const parallel = form.elements.mode.value === 'parallel';
    const autoApprove = form.elements.approval.value === 'auto';
    const options = {auto_approve: autoApprove};
    if (maxPages.value !== '') options.max_pages = Number(maxPages.value);
    button.disabled = true;
    try {
      const answer = await api(parallel ? '/api/process_redis' : '/api/process',
        {method: 'POST', body: {domains, options}, signal});
      append(result, resultCard(answer, parallel, autoApprove));
    } catch (err) {
      if (isAbort(err)) return;
      const rejected = err instanceof ApiError ? err.body?.rejected : null;
      append(result, notice('bad', err.message));
      if (rejected?.length) append(result, rejectedTable(rejected));
    } finally {
      button.disabled = false;
    }
  });

  clear(main, h('h1', null, 'Submit domains'), form, result);
}
