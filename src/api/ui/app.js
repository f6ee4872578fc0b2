// trawl's web page: the shell. Hash routes (#/submit, #/jobs, #/jobs/ID,
// #/approvals?job=ID, #/workers) each render into <main>; leaving a route
// aborts its signal, which closes its event stream, timers and fetches.
// The health banner on top says when Redis or the database is down.
// Plain modules, no framework, nothing fetched from elsewhere (CSP: 'self').

import {forgetToken, onTokenChange, token} from './api.js';
import {append, clear, h} from './dom.js';
import {renderApprovals} from './approvals.js';
import {renderJob} from './job.js';
import {renderJobs} from './jobs.js';
import {renderSubmit} from './submit.js';
import {fetchHealth, healthProblem, renderWorkers} from './workers.js';

const kHealthEveryMs = 60000;  // the banner re-checks this often (not job progress)

const main = document.getElementById('main');
const banner = document.getElementById('banner');
let current = null;  // AbortController of the route on screen

function showHealth(result) {
  const problem = healthProblem(result);
  banner.hidden = !problem;
  if (problem) {
    banner.className = `banner ${problem[0]}`;
    banner.textContent = problem[1];
  }
}

async function checkHealth() {
  try {
    showHealth(await fetchHealth());
  } catch {
    // Aborted or unanswerable: the banner keeps what it said.
  }
}

function parseRoute() {
  const hash = location.hash.replace(/^#\/?/, '');
  const [path, query = ''] = hash.split('?', 2);
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {parts, params: new URLSearchParams(query)};
}

function render() {
  current?.abort();
  current = new AbortController();
  const {parts, params} = parseRoute();
  const ctx = {signal: current.signal, params, showHealth};
  const name = parts[0] || 'submit';
  for (const a of document.querySelectorAll('#nav a')) a.classList.toggle('active', a.dataset.route === name);
  let done;
  if (name === 'jobs' && parts[1]) done = renderJob(main, {...ctx, id: parts[1]});
  else if (name === 'jobs') done = renderJobs(main, ctx);
  else if (name === 'approvals') done = renderApprovals(main, ctx);
  else if (name === 'workers') done = renderWorkers(main, ctx);
  else if (name === 'submit') done = renderSubmit(main, ctx);
  else clear(main, h('h1', null, 'Not found'), h('p', null, h('a', {href: '#/submit'}, 'Start here')));
  Promise.resolve(done).catch((err) => {
    if (err?.name !== 'AbortError') clear(main, h('h1', null, 'Something went wrong'), h('p', {class: 'error-text'}, String(err?.message ?? err)));
  });
}

function showWho() {
  const who = document.getElementById('who');
  clear(who);
  if (token()) append(who, 'token set · ', h('button', {type: 'button', id: 'forget-token', on: {click: forgetToken}}, 'forget'));
}

onTokenChange(showWho);
window.addEventListener('hashchange', render);
document.addEventListener('visibilitychange', () => {
  if (document.visibilityState === 'visible') checkHealth();
});
setInterval(() => { if (document.visibilityState === 'visible') checkHealth(); }, kHealthEveryMs);
showWho();
render();
checkHealth();
