// The job view: progress, counters, rate and time left, cancel / retry /
// export, and the table of the job's domains. Live without polling: it
// reads GET /api/events?job_id=… and, per event, re-fetches only what
// changed (the finished domain's row, the job's counters), debounced, so a
// fast job does not turn into a request per domain.

import {api, download, eventStream, isAbort} from './api.js';
import {append, badge, clear, fmtDuration, fmtNumber, fmtTime, h, notice} from './dom.js';
import {pager} from './jobs.js';
import {addressesCell, approvalBadge, emailsCell, errorInWords, idsCell, nameCell, pagesCell, phonesCell, socialCell} from './profile.js';

const kPageSize = 50;
const kRowDelayMs = 400;       // progress events are gathered this long before rows are re-fetched
const kStatusDelayMs = 1500;   // and the job's counters at most this often
const kMaxRowFetches = 10;     // more changed rows than this at once: reload the page instead
const kStates = ['', 'pending', 'processing', 'done', 'failed'];

function modeWords(mode) {
  return mode === 'redis_parallel' ? 'parallel (Redis workers)' : 'embedded (in the server)';
}

// A row of the domain table from an entry of GET /api/jobs/{id}/domains.
function domainRow(entry) {
  const p = entry.profile;
  const failed = entry.state === 'failed' || p?.status === 'failed';
  return h('tr', {dataset: {domain: entry.domain, state: entry.state}},
    h('td', {class: 'num muted'}, entry.index + 1),
    h('td', {class: 'mono wrap'}, entry.domain),
    h('td', null, badge(entry.state), ' ', approvalBadge(entry.approval),
      entry.attempts > 1 ? h('div', {class: 'muted small'}, `${entry.attempts} attempts`) : null),
    h('td', null, nameCell(p)),
    h('td', null, emailsCell(p)),
    h('td', null, phonesCell(p)),
    h('td', null, addressesCell(p)),
    h('td', null, socialCell(p)),
    h('td', null, idsCell(p)),
    h('td', null, failed ? h('div', {class: 'domain-error'}, errorInWords(entry.error || p?.error)) : null, pagesCell(p)));
}

// An export profile as a domain entry: what the page shows on a server
// without the /domains route (pending domains are then not listed).
function entryFromProfile(p) {
  return {domain: p.domain, index: p.input_index ?? 0, state: p.status === 'ok' ? 'done' : 'failed',
    attempts: null, error: p.error, approval: p.approval, profile: p};
}

class JobView {
  constructor(main, id, signal) {
    this.main = main;
    this.id = id;
    this.enc = encodeURIComponent(id);
    this.signal = signal;
    this.job = null;
    this.filter = '';
    this.offset = 0;
    this.haveDomainsRoute = true;
    this.rows = new Map();        // domain → <tr> on screen
    this.changed = new Set();     // domains whose row is stale
    this.rowTimer = null;
    this.statusTimer = null;
    this.pageLoading = null;      // the page load in progress
    this.pageAgain = false;       // load it again when that one ends
    this.everOpened = false;
    this.workersInFlight = null;
  }

  build() {
    const el = (tag, id, attrs = {}, ...children) => h(tag, {id, ...attrs}, ...children);
    this.statusEl = el('span', 'job-status');
    this.modeEl = el('span', 'job-mode');
    this.timesEl = el('span', 'job-times', {class: 'muted small'});
    this.fallbackEl = el('div', 'job-fallback');
    this.progress = el('progress', 'job-progress', {class: 'bar', max: '1', value: '0'});
    this.progressLabel = el('span', 'job-progress-label', {class: 'progress-label'});
    this.live = el('span', 'live-state', {class: 'muted small'});
    this.stats = {};
    const stat = (key, label) => {
      const value = el('div', `stat-${key}`, {class: 'value'}, '—');
      const caption = h('div', {class: 'label'}, label);
      this.stats[key] = {value, caption};
      return h('div', {class: 'stat'}, value, caption);
    };
    this.message = el('div', 'job-message');
    this.cancelBtn = el('button', 'cancel-job', {class: 'danger', on: {click: () => this.cancel()}}, 'Cancel job');
    this.retryBtn = el('button', 'retry-job', {on: {click: () => this.retry()}}, 'Retry failed');
    this.approvedOnly = el('input', 'export-approved', {type: 'checkbox'});
    const exportBtn = (fmt) => el('button', `export-${fmt}`, {on: {click: () => this.exportAs(fmt)}}, fmt.toUpperCase());
    this.filterSelect = el('select', 'domain-filter', {on: {change: () => { this.filter = this.filterSelect.value; this.offset = 0; this.loadPage(); }}},
      kStates.map((s) => h('option', {value: s}, s || 'every state')));
    this.pagerEl = el('div', 'domain-pager');
    this.tbody = el('tbody', 'domain-rows');
    this.routeNote = el('div', 'domains-note');

    clear(this.main,
      h('h1', null, 'Job ', h('span', {class: 'mono'}, this.id)),
      h('section', {class: 'card'},
        h('div', {class: 'actions'}, this.statusEl, this.modeEl, this.timesEl),
        this.fallbackEl,
        this.progress,
        h('div', {class: 'actions'}, this.progressLabel, this.live),
        h('div', {class: 'stats'}, stat('completed', 'completed'), stat('failed', 'failed'), stat('inflight', 'in flight'),
          stat('total', 'domains'), stat('rate', 'domains per minute'), stat('left', 'time left')),
        h('div', {class: 'actions'}, this.cancelBtn, this.retryBtn,
          h('a', {class: 'button', id: 'review-job', href: `#/approvals?job=${this.enc}`}, 'Review profiles'),
          h('button', {on: {click: () => this.refreshAll()}}, 'Refresh')),
        h('div', {class: 'actions'}, h('span', {class: 'small'}, 'Export:'),
          exportBtn('csv'), exportBtn('jsonl'), exportBtn('json'),
          h('label', {class: 'inline small'}, this.approvedOnly, 'approved only')),
        this.message),
      h('h2', null, 'Domains'),
      h('div', {class: 'actions'}, h('label', {class: 'inline', for: 'domain-filter'}, 'Show'), this.filterSelect, this.pagerEl),
      this.routeNote,
      h('div', {class: 'table-wrap'}, h('table', {id: 'domain-table'},
        h('thead', null, h('tr', null, ['#', 'Domain', 'State', 'Name', 'Emails', 'Phones', 'Addresses', 'Social', 'IDs', 'Pages / error'].map((c) => h('th', null, c)))),
        this.tbody)));
  }

  say(kind, ...children) {
    clear(this.message, notice(kind, ...children));
  }

  // ---- the job's counters ---------------------------------------------------

  applyJob(job) {
    const before = this.job?.status;
    this.job = {...this.job, ...job};
    this.renderSummary();
    if (before && before !== job.status) this.loadPage();  // retried, cancelled, finished
  }

  renderSummary() {
    const j = this.job;
    const finished = j.completed + j.failed;
    clear(this.statusEl, badge(j.status));
    this.modeEl.textContent = modeWords(j.mode);
    this.timesEl.textContent = `created ${fmtTime(j.created_at)}` +
      (j.started_at ? ` · started ${fmtTime(j.started_at)}` : '') +
      (j.finished_at ? ` · finished ${fmtTime(j.finished_at)}` : '');
    clear(this.fallbackEl);
    if (j.fallback_reason) append(this.fallbackEl, notice('warn', 'Runs embedded: ', j.fallback_reason));
    this.progress.max = Math.max(j.total, 1);
    this.progress.value = Math.min(finished, j.total);
    const percent = j.total ? Math.floor((100 * finished) / j.total) : 100;
    this.progressLabel.textContent = `${percent} % · ${finished} of ${j.total} finished`;
    this.progress.dataset.percent = String(percent);
    const st = this.stats;
    st.completed.value.textContent = fmtNumber(j.completed);
    st.failed.value.textContent = fmtNumber(j.failed);
    st.total.value.textContent = fmtNumber(j.total);
    st.rate.value.textContent = fmtNumber(j.domains_per_minute, 1);
    const running = j.status === 'processing' || j.status === 'pending';
    st.inflight.caption.textContent = 'in flight';
    if (j.in_flight !== undefined && j.in_flight !== null) {
      st.inflight.value.textContent = fmtNumber(j.in_flight);
    } else if (running && this.workersInFlight !== null) {
      // A parallel job's own in-flight count lives in Redis only.
      st.inflight.value.textContent = fmtNumber(this.workersInFlight);
      st.inflight.caption.textContent = 'in flight (all workers)';
    } else {
      st.inflight.value.textContent = running ? '—' : '0';
    }
    const left = j.total - finished;
    let timeLeft = '—';
    if (j.status === 'completed') timeLeft = 'done';
    else if (j.status === 'processing' && j.domains_per_minute > 0) timeLeft = fmtDuration((left / j.domains_per_minute) * 60);
    st.left.value.textContent = timeLeft;
    this.cancelBtn.disabled = !running;
    this.retryBtn.disabled = j.failed === 0 || j.status === 'cancelled';
  }

  // GET /api/status (counters only); for a running parallel job also the
  // workers' in-flight total (the job's own is not known outside Redis).
  async refreshStatus() {
    const job = await api(`/api/status/${this.enc}?limit=0`, {signal: this.signal});
    if (job.mode === 'redis_parallel' && job.status === 'processing') {
      this.workersInFlight = await api('/api/worker_stats', {signal: this.signal})
        .then((w) => w.totals?.in_flight ?? null, () => null);
    }
    this.applyJob(job);
  }

  scheduleStatus() {
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.refreshStatus().catch((err) => { if (!isAbort(err)) this.say('bad', err.message); });
    }, kStatusDelayMs);
  }

  applyProgress(event) {
    if (!this.job || event.job_id !== this.id) return;
    this.job.completed = event.completed;
    this.job.failed = event.failed;
    this.job.total = event.total;
    if (event.job_status) this.job.status = event.job_status;
    this.renderSummary();
    this.changed.add(event.domain);
    if (!this.rowTimer) this.rowTimer = setTimeout(() => this.flushRows(), kRowDelayMs);
    this.scheduleStatus();
  }

  // ---- the domain table -------------------------------------------------------

  async fetchEntries() {
    if (this.haveDomainsRoute) {
      try {
        const state = this.filter ? `&state=${this.filter}` : '';
        return await api(`/api/jobs/${this.enc}/domains?limit=${kPageSize}&offset=${this.offset}${state}`, {signal: this.signal});
      } catch (err) {
        // An older server without the route: fall back to the export.
        if (err.status !== 404 || !/no such endpoint/.test(err.message)) throw err;
        this.haveDomainsRoute = false;
        clear(this.routeNote, notice('warn', 'This server lists finished domains only (no /domains route).'));
      }
    }
    const all = (await api(`/api/jobs/${this.enc}/results?format=json`, {signal: this.signal})).map(entryFromProfile);
    const shown = this.filter ? all.filter((e) => e.state === this.filter) : all;
    return {total: shown.length, domains: shown.slice(this.offset, this.offset + kPageSize)};
  }

  // Reloads the page of rows; calls during a load make one more load after it.
  async loadPage() {
    if (this.pageLoading) {
      this.pageAgain = true;
      return this.pageLoading;
    }
    this.pageLoading = (async () => {
      try {
        do {
          this.pageAgain = false;
          const page = await this.fetchEntries();
          this.rows.clear();
          const rows = page.domains.map((entry) => {
            const tr = domainRow(entry);
            this.rows.set(entry.domain, tr);
            return tr;
          });
          if (!rows.length) rows.push(h('tr', null, h('td', {colspan: '10', class: 'muted'}, this.filter ? `No ${this.filter} domains.` : 'No domains yet.')));
          this.tbody.replaceChildren(...rows);
          clear(this.pagerEl, pager(page.total, this.offset, kPageSize,
            {go: (offset) => { this.offset = offset; this.loadPage(); }}));
        } while (this.pageAgain && !this.signal.aborted);
      } catch (err) {
        if (!isAbort(err)) this.say('bad', `Could not load the domains: ${err.message}`);
      } finally {
        this.pageLoading = null;
      }
    })();
    return this.pageLoading;
  }

  // Re-fetches the rows of the domains that progress events named.
  async flushRows() {
    this.rowTimer = null;
    const domains = [...this.changed];
    this.changed.clear();
    // With a state filter a finished domain moves between pages; without the
    // route only a reload can fetch it; many at once is cheaper as a reload.
    if (this.filter || !this.haveDomainsRoute || domains.length > kMaxRowFetches) {
      await this.loadPage();
      return;
    }
    for (const domain of domains) {
      if (!this.rows.has(domain) || this.signal.aborted) continue;
      try {
        const page = await api(`/api/jobs/${this.enc}/domains?domain=${encodeURIComponent(domain)}`, {signal: this.signal});
        const entry = page.domains[0];
        const old = this.rows.get(domain);
        if (!entry || !old?.isConnected) continue;
        const tr = domainRow(entry);
        old.replaceWith(tr);
        this.rows.set(domain, tr);
      } catch (err) {
        if (!isAbort(err)) this.say('bad', `Could not refresh ${domain}: ${err.message}`);
      }
    }
  }

  // ---- actions ----------------------------------------------------------------

  async act(button, work) {
    button.disabled = true;
    try {
      await work();
    } catch (err) {
      if (!isAbort(err)) this.say('bad', err.message);
    } finally {
      if (this.job) this.renderSummary(); else button.disabled = false;
    }
  }

  cancel() {
    return this.act(this.cancelBtn, async () => {
      const r = await api(`/api/jobs/${this.enc}/cancel`, {method: 'POST', signal: this.signal});
      this.say(r.warning ? 'warn' : 'ok', r.changed ? 'Job cancelled: its remaining domains are dropped.' : 'The job was already cancelled.',
        r.warning ? ` ${r.warning}` : '');
      await this.refreshStatus();
    });
  }

  retry() {
    return this.act(this.retryBtn, async () => {
      const r = await api(`/api/jobs/${this.enc}/retry`, {method: 'POST', signal: this.signal});
      this.say(r.fallback_reason ? 'warn' : 'ok',
        r.retried ? `${r.retried} failed domain${r.retried === 1 ? '' : 's'} put back.` : 'Nothing had failed.',
        r.fallback_reason ? ` Now runs embedded: ${r.fallback_reason}` : '');
      await this.refreshStatus();
      await this.loadPage();
    });
  }

  async exportAs(format) {
    const approved = this.approvedOnly.checked;
    try {
      const saved = await download(`/api/jobs/${this.enc}/results?format=${format}${approved ? '&approved=1' : ''}`,
        `trawl-${this.id}.${format}`, this.signal);
      this.say('ok', `Saved ${saved.name} (${fmtNumber(saved.bytes)} bytes${approved ? ', approved profiles only' : ''}).`);
    } catch (err) {
      if (!isAbort(err)) this.say('bad', `Export failed: ${err.message}`);
    }
  }

  // ---- live updates -------------------------------------------------------------

  async refreshAll() {
    try {
      await this.refreshStatus();
      await this.loadPage();
    } catch (err) {
      if (!isAbort(err)) this.say('bad', err.message);
    }
  }

  listen() {
    const stream = eventStream(`/api/events?job_id=${this.enc}`, {
      onEvent: (name, data) => {
        let doc;
        try { doc = JSON.parse(data); } catch { return; }
        if (name === 'job') this.applyJob(doc);
        else if (name === 'progress') this.applyProgress(doc);
      },
      onState: (state, detail) => {
        if (state === 'open') {
          this.live.textContent = '● live';
          // Events sent while we were away are lost: catch up once.
          if (this.everOpened) this.loadPage();
          this.everOpened = true;
        } else if (state === 'reconnecting') {
          this.live.textContent = `connection lost; reconnecting in ${Math.round(detail / 1000)} s`;
        } else if (state === 'gone') {
          this.live.textContent = `not live: ${detail} (use Refresh)`;
        }
      },
    });
    this.signal.addEventListener('abort', () => {
      stream.close();
      clearTimeout(this.rowTimer);
      clearTimeout(this.statusTimer);
    }, {once: true});
  }

  async start() {
    this.build();
    try {
      await this.refreshStatus();
    } catch (err) {
      if (isAbort(err)) return;
      clear(this.main, h('h1', null, 'Job ', h('span', {class: 'mono'}, this.id)),
        notice('bad', err.status === 404 ? 'No such job.' : err.message),
        h('p', null, h('a', {href: '#/jobs'}, 'All jobs')));
      return;
    }
    this.listen();
    await this.loadPage();
  }
}

export function renderJob(main, {signal, id}) {
  return new JobView(main, id, signal).start();
}
