// The workers panel: GET /api/health (Redis, database, queue) and
// GET /api/worker_stats (each live worker), refreshed every few seconds
// while the panel is shown and the tab visible. These are not job progress,
// so a timer is fine here; job views use the event stream.

import {api, isAbort} from './api.js';
import {badge, clear, fmtNumber, h, notice, sleep, table} from './dom.js';

const kRefreshMs = 5000;

// GET /api/health as {health, error}: a 503 (database down) still carries
// the health document in its body when the server could build one.
export async function fetchHealth(signal) {
  try {
    return {health: await api('/api/health', {signal}), error: null};
  } catch (err) {
    if (isAbort(err)) throw err;
    return {health: err.body?.database ? err.body : null, error: err};
  }
}

// The banner's text for a health answer: [kind, text] or null when all is well.
export function healthProblem({health, error}) {
  if (health?.database && health.database.reachable === false) {
    return ['bad', `The database (${health.database.backend}) cannot be reached: nothing can be stored or listed until it is back.`];
  }
  if (!health) {
    if (error?.status === 401) return null;  // the token form is up
    return ['bad', `The server's health check failed: ${error?.message ?? 'no answer'}`];
  }
  if (health.redis?.configured && !health.redis.reachable) {
    return ['warn', 'Redis does not answer: parallel jobs run embedded in the server until it is back.'];
  }
  return null;
}

function healthCard(health) {
  const r = health.redis || {};
  const db = health.database || {};
  const q = health.queue;
  const stat = (value, label, id) => h('div', {class: 'stat'}, h('div', {class: 'value', id}, value), h('div', {class: 'label'}, label));
  return h('section', {class: 'card', id: 'health'},
    h('div', {class: 'actions'}, badge(health.status, health.status === 'ok' ? 'ok' : 'failed'),
      h('span', null, `jobs go ${health.mode === 'redis_parallel' ? 'to the workers (parallel)' : 'into the server (embedded)'}`),
      h('span', {class: 'muted small'}, `trawl ${health.version}`)),
    h('div', {class: 'stats'},
      stat(fmtNumber(health.workers), 'live workers', 'health-workers'),
      stat(q ? fmtNumber(q.depth) : '—', 'queue depth', 'queue-depth'),
      stat(q ? fmtNumber(q.pending) : '—', 'delivered, not done'),
      stat(q ? fmtNumber(q.delayed) : '—', 'waiting to retry'),
      stat(q ? fmtNumber(q.dead) : '—', 'dead-lettered'),
      stat(fmtNumber(health.embedded?.in_flight), 'embedded in flight')),
    h('p', {class: 'small'},
      'Redis: ', r.configured ? (r.reachable ? `reachable (${fmtNumber(r.latency_ms, 2)} ms) ` : 'NOT reachable ') : 'not configured',
      r.url ? h('span', {class: 'mono'}, r.url) : null, ' · Database: ',
      `${db.backend ?? '?'} ${db.reachable ? 'reachable' : 'NOT reachable'}`),
    (r.warnings || []).map((w) => notice('warn', w)));
}

function workersTable(stats) {
  const rows = stats.workers.map((w) => h('tr', {dataset: {worker: w.worker_id}},
    h('td', {class: 'mono wrap'}, w.worker_id),
    h('td', {class: 'wrap'}, w.host),
    h('td', {class: 'num'}, `${fmtNumber(w.cpu_percent, 1)} %`),
    h('td', {class: 'num'}, `${fmtNumber(w.rss_mb, 1)} MB`),
    h('td', {class: 'num'}, `${fmtNumber(w.in_flight)} / ${fmtNumber(w.concurrency)}`),
    h('td', {class: 'num'}, fmtNumber(w.processed)),
    h('td', {class: 'num'}, fmtNumber(w.failed)),
    h('td', {class: 'num'}, `${fmtNumber(w.heartbeat_age_s, 1)} s`)));
  const t = stats.totals || {};
  rows.push(h('tr', null, h('td', null, h('strong', null, 'total')), h('td', null, `${t.workers ?? 0} workers`),
    h('td', {class: 'num'}, `${fmtNumber(t.cpu_percent, 1)} %`), h('td', {class: 'num'}, `${fmtNumber(t.rss_mb, 1)} MB`),
    h('td', {class: 'num'}, fmtNumber(t.in_flight)), h('td', {class: 'num'}, fmtNumber(t.processed)),
    h('td', {class: 'num'}, fmtNumber(t.failed)), h('td', null, '')));
  return table(['Worker', 'Host', 'CPU', 'Memory', 'In flight', 'Processed', 'Failed', 'Heartbeat'], rows, {id: 'workers-table'});
}

export async function renderWorkers(main, {signal, showHealth}) {
  const healthEl = h('div');
  const workersEl = h('div');
  const updated = h('p', {class: 'muted small', id: 'workers-updated'});
  clear(main, h('h1', null, 'Workers'), healthEl, h('h2', null, 'Live workers'), workersEl, updated);

  async function refresh() {
    const result = await fetchHealth(signal);
    showHealth(result);
    clear(healthEl, result.health ? healthCard(result.health) : notice('bad', result.error?.message ?? 'no answer'));
    try {
      const stats = await api('/api/worker_stats', {signal});
      clear(workersEl, stats.workers.length ? workersTable(stats)
        : h('p', {class: 'muted'}, 'No live worker. Start some with trawl worker or trawl workers -n N.'));
    } catch (err) {
      if (isAbort(err)) throw err;
      clear(workersEl, notice(err.code === 'redis_unavailable' ? 'warn' : 'bad', err.message));
    }
    updated.textContent = `Updated ${new Date().toLocaleTimeString()}; refreshed every ${kRefreshMs / 1000} s while shown.`;
  }

  // Bounded by the view: the loop ends when the route changes (signal).
  while (!signal.aborted) {
    if (document.visibilityState === 'visible') {
      try {
        await refresh();
      } catch (err) {
        if (isAbort(err)) return;
        clear(workersEl, notice('bad', err.message));
      }
    }
    await sleep(kRefreshMs, signal);
  }
}
