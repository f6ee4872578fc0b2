// The jobs list (GET /api/jobs): newest first, paged.

import {api, isAbort} from './api.js';
import {badge, clear, fmtNumber, fmtTime, h, notice, table} from './dom.js';

const kPageSize = 25;

// Newer / older controls for a list of `total` items shown from `offset`:
// links to `href(offset)` routes, or buttons calling `go(offset)`.
export function pager(total, offset, limit, {href, go}) {
  const first = total ? offset + 1 : 0;
  const last = Math.min(offset + limit, total);
  const control = (label, to, id) => (go
    ? h('button', {type: 'button', id, on: {click: () => go(to)}}, label)
    : h('a', {class: 'button', id, href: href(to)}, label));
  return h('div', {class: 'pager'},
    offset > 0 ? control('← Previous', Math.max(0, offset - limit), 'page-prev') : null,
    h('span', {class: 'muted small'}, `${first}–${last} of ${total}`),
    last < total ? control('Next →', offset + limit, 'page-next') : null);
}

function jobRow(job) {
  const done = job.completed + job.failed;
  const href = `#/jobs/${encodeURIComponent(job.job_id)}`;
  return h('tr', null,
    h('td', null, fmtTime(job.created_at)),
    h('td', null, h('a', {href, class: 'mono'}, job.job_id)),
    h('td', null, job.mode === 'redis_parallel' ? 'parallel' : 'embedded'),
    h('td', null, badge(job.status)),
    h('td', {class: 'num'}, `${done} / ${job.total}`),
    h('td', {class: 'num'}, job.failed),
    h('td', {class: 'num'}, fmtNumber(job.domains_per_minute, 1)));
}

export async function renderJobs(main, {signal, params}) {
  const offset = Math.max(0, Number(params.get('offset')) || 0);
  clear(main, h('h1', null, 'Jobs'), h('p', {class: 'muted'}, 'Loading…'));
  try {
    const page = await api(`/api/jobs?limit=${kPageSize}&offset=${offset}`, {signal});
    const rows = page.jobs.map(jobRow);
    clear(main,
      h('h1', null, 'Jobs'),
      page.total === 0
        ? h('p', null, 'No jobs yet. ', h('a', {href: '#/submit'}, 'Submit some domains.'))
        : [table(['Created', 'Job', 'Mode', 'Status', 'Done', 'Failed', 'Domains/min'], rows, {id: 'jobs-table'}),
           pager(page.total, page.offset, kPageSize, {href: (o) => `#/jobs?offset=${o}`})]);
  } catch (err) {
    if (!isAbort(err)) clear(main, h('h1', null, 'Jobs'), notice('bad', err.message));
  }
}
