// The approval queue (GET/POST /api/approvals): a job's profiles by review
// state, each value with the page it came from; approve, reject, or correct
// fields and approve, one profile or every pending one of the job. The
// reviewer's name is asked once and kept for the browser tab.

import {api, ask, isAbort} from './api.js';
import {append, badge, clear, fmtTime, h, notice} from './dom.js';
import {pager} from './jobs.js';
import {addressText, approvalBadge, profileFields} from './profile.js';

const kPageSize = 20;
const kReviewerKey = 'trawl.reviewer';
const kConfirmMs = 5000;  // a bulk button waits this long for its second click
const kStringFields = [
  ['company_name', 'Name'], ['description', 'Description'], ['company_number', 'Company number'],
  ['vat_number', 'VAT number'], ['country', 'Country (ISO code)'],
];
const kNetworks = ['linkedin', 'twitter', 'facebook', 'instagram', 'youtube', 'github', 'tiktok'];

// The reviewer's name, asked once per tab; null when the form was cancelled.
async function reviewer() {
  let name = sessionStorage.getItem(kReviewerKey);
  if (!name) {
    name = await ask({title: 'Who is reviewing?', text: 'Your name is recorded with each decision (reviewed_by).', label: 'Your name'});
    if (!name) return null;
    sessionStorage.setItem(kReviewerKey, name.slice(0, 200));
  }
  return name;
}

function lines(text) {
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

// The edit form of one profile; `onSave(edits)` gets only the changed fields
// in the shape POST /api/approvals wants (docs/api.md).
let formCount = 0;  // keeps element ids unique when several forms are open

function editForm(profile, onSave, onCancel) {
  const inputs = {};
  const prefix = `edit${++formCount}`;
  const fields = kStringFields.map(([key, label]) => {
    const id = `${prefix}-${key}`;
    inputs[key] = key === 'description'
      ? h('textarea', {id, name: key, value: profile[key] ?? ''})
      : h('input', {type: 'text', id, name: key, value: profile[key] ?? ''});
    return [h('label', {for: id}, label), inputs[key]];
  });
  const phoneText = (p) => p.display || p.value;
  const listArea = (key, label, values) => {
    inputs[key] = h('textarea', {id: `${prefix}-${key}`, name: key, value: values.join('\n')});
    return [h('label', {for: `${prefix}-${key}`}, label), inputs[key]];
  };
  const emails = profile.emails || [];
  const phones = profile.phones || [];
  const addresses = profile.addresses || [];
  const social = profile.social || {};
  const socialInputs = kNetworks.map((net) => {
    inputs[`social.${net}`] = h('input', {type: 'text', id: `${prefix}-social-${net}`, name: `social.${net}`, value: social[net] ?? ''});
    return [h('label', {for: `${prefix}-social-${net}`}, net), inputs[`social.${net}`]];
  });

  const collect = () => {
    const edits = {};
    for (const [key] of kStringFields) {
      const value = inputs[key].value.trim();
      if (value !== (profile[key] ?? '')) edits[key] = value === '' ? null : value;
    }
    const emailLines = lines(inputs.emails.value);
    if (emailLines.join('\n') !== emails.map((e) => e.value).join('\n')) {
      edits.emails = emailLines.map((value) => ({value, source: emails.find((e) => e.value === value)?.source ?? null}));
    }
    const phoneLines = lines(inputs.phones.value);
    if (phoneLines.join('\n') !== phones.map(phoneText).join('\n')) {
      edits.phones = phoneLines.map((line) => phones.find((p) => phoneText(p) === line) ||
        {value: line, display: line, kind: 'phone', source: null});
    }
    const addressLines = lines(inputs.addresses.value);
    if (addressLines.join('\n') !== addresses.map(addressText).join('\n')) {
      edits.addresses = addressLines.map((line) => addresses.find((a) => addressText(a) === line) || {text: line, source: null});
    }
    const newSocial = Object.fromEntries(kNetworks.map((net) => [net, inputs[`social.${net}`].value.trim() || null]));
    if (kNetworks.some((net) => newSocial[net] !== (social[net] ?? null))) edits.social = newSocial;
    return edits;
  };

  const form = h('form', {class: 'edit-form'},
    h('h3', null, 'Correct fields, then approve'),
    fields,
    listArea('emails', 'Emails (one per line)', emails.map((e) => e.value)),
    listArea('phones', 'Phones (one per line)', phones.map(phoneText)),
    listArea('addresses', 'Addresses (one per line)', addresses.map(addressText)),
    h('fieldset', null, h('legend', null, 'Social profiles (URLs)'), socialInputs),
    h('div', {class: 'actions'},
      h('button', {type: 'submit', class: 'primary save-approve'}, 'Save and approve'),
      h('button', {type: 'button', on: {click: onCancel}}, 'Cancel')));
  form.addEventListener('submit', (e) => { e.preventDefault(); onSave(collect()); });
  return form;
}

class ApprovalsView {
  constructor(main, signal, params) {
    this.main = main;
    this.signal = signal;
    this.jobId = params.get('job') || '';
    this.state = ['pending', 'approved', 'rejected'].includes(params.get('state')) ? params.get('state') : 'pending';
    this.offset = Math.max(0, Number(params.get('offset')) || 0);
    this.message = h('div', {id: 'approval-message'});
    this.list = h('div', {id: 'approval-list'});
    this.countsEl = h('p', {class: 'muted small', id: 'approval-counts'});
    this.whoEl = h('span', {class: 'muted small', id: 'reviewer'});
  }

  route({job = this.jobId, state = this.state, offset = 0} = {}) {
    return `#/approvals?job=${encodeURIComponent(job)}&state=${state}&offset=${offset}`;
  }

  say(kind, ...children) {
    clear(this.message, notice(kind, ...children));
  }

  // POST /api/approvals; true when it went through (the list is reloaded).
  async review(action, domains, edits) {
    const name = await reviewer();
    if (!name) {
      this.say('warn', 'Nothing done: a reviewer name is needed.');
      return false;
    }
    this.whoEl.textContent = `Reviewing as ${name}`;
    const body = {job_id: this.jobId, action, domains, reviewer: name};
    if (edits && Object.keys(edits).length) body.edits = edits;
    try {
      const r = await api('/api/approvals', {method: 'POST', body, signal: this.signal});
      const what = domains === 'all' ? `${r.updated} profile${r.updated === 1 ? '' : 's'}` : domains.join(', ');
      this.say('ok', `${action === 'approve' ? 'Approved' : 'Rejected'} ${what}.`,
        r.not_found?.length ? ` Not found: ${r.not_found.join(', ')}.` : '');
      await this.load();
      return true;
    } catch (err) {
      if (!isAbort(err)) this.say('bad', err.message);
      return false;
    }
  }

  card(entry) {
    const p = entry.profile;
    const body = h('div', null, profileFields(p));
    const buttons = h('div', {class: 'actions'});
    const showButtons = () => {
      clear(body, profileFields(p));
      buttons.hidden = false;
    };
    append(buttons,
      h('button', {class: 'good approve', on: {click: () => this.review('approve', [entry.domain])}}, 'Approve'),
      h('button', {class: 'danger reject', on: {click: () => this.review('reject', [entry.domain])}}, 'Reject'),
      h('button', {class: 'edit', on: {click: () => {
        buttons.hidden = true;
        clear(body, editForm(p, (edits) => this.review('approve', [entry.domain], {[entry.domain]: edits}), showButtons));
      }}}, 'Edit…'));
    const edited = entry.edited && Object.keys(entry.edited).length ? Object.keys(entry.edited).join(', ') : null;
    return h('section', {class: 'profile', dataset: {domain: entry.domain}},
      h('header', null,
        h('span', null, h('span', {class: 'domain mono wrap'}, entry.domain), ' ', badge(p.status === 'ok' ? 'ok' : 'failed'), ' ', approvalBadge(entry.approval)),
        h('span', {class: 'muted small'}, entry.reviewed_by ? `${entry.approval} by ${entry.reviewed_by}, ${fmtTime(entry.reviewed_at)}` : '',
          edited ? ` · edited: ${edited}` : '')),
      body, buttons);
  }

  // A button that acts on its second click within kConfirmMs.
  bulkButton(label, action, kind) {
    let armed = null;
    const button = h('button', {class: kind, id: `${action}-all`});
    const reset = () => { armed = null; button.textContent = label; };
    reset();
    button.addEventListener('click', async () => {
      if (!armed) {
        button.textContent = `${label}: click again to confirm`;
        armed = setTimeout(reset, kConfirmMs);
        return;
      }
      clearTimeout(armed);
      reset();
      button.disabled = true;
      await this.review(action, 'all');
      button.disabled = false;
    });
    return button;
  }

  async load() {
    const q = `job_id=${encodeURIComponent(this.jobId)}&state=${this.state}&limit=${kPageSize}&offset=${this.offset}`;
    const [page, status] = await Promise.all([
      api(`/api/approvals?${q}`, {signal: this.signal}),
      api(`/api/status/${encodeURIComponent(this.jobId)}?limit=0`, {signal: this.signal}).catch(() => null),
    ]);
    this.countsEl.textContent = status
      ? `${status.pending_approval ?? '?'} waiting for review · ${status.approved_total ?? '?'} approved · ${status.total} domains, ${status.completed + status.failed} finished (${status.status})`
      : '';
    clear(this.list);
    if (!page.profiles.length) {
      append(this.list, h('p', {class: 'muted', id: 'approval-empty'},
        this.state === 'pending' ? 'Nothing waits for review in this job.' : `No ${this.state} profiles in this job.`));
      return;
    }
    append(this.list, page.profiles.map((entry) => this.card(entry)),
      pager(page.total, page.offset, kPageSize, {href: (offset) => this.route({offset})}));
  }

  async start() {
    clear(this.main, h('h1', null, 'Approval queue'), h('p', {class: 'muted'}, 'Loading…'));
    let jobs;
    try {
      jobs = (await api('/api/jobs?limit=100', {signal: this.signal})).jobs;
    } catch (err) {
      if (!isAbort(err)) clear(this.main, h('h1', null, 'Approval queue'), notice('bad', err.message));
      return;
    }
    if (!jobs.length && !this.jobId) {
      clear(this.main, h('h1', null, 'Approval queue'), h('p', null, 'No jobs yet. ', h('a', {href: '#/submit'}, 'Submit some domains.')));
      return;
    }
    if (!this.jobId) this.jobId = jobs[0].job_id;
    const options = jobs.map((j) => h('option', {value: j.job_id, selected: j.job_id === this.jobId},
      `${j.job_id} · ${fmtTime(j.created_at)} · ${j.status}`));
    if (!jobs.some((j) => j.job_id === this.jobId)) options.unshift(h('option', {value: this.jobId, selected: true}, this.jobId));
    const jobSelect = h('select', {id: 'approval-job', on: {change: () => { location.hash = this.route({job: jobSelect.value}); }}}, options);
    const stateSelect = h('select', {id: 'approval-state', on: {change: () => { location.hash = this.route({state: stateSelect.value}); }}},
      ['pending', 'approved', 'rejected'].map((s) => h('option', {value: s, selected: s === this.state}, s === 'pending' ? 'waiting for review' : s)));
    const who = sessionStorage.getItem(kReviewerKey);
    this.whoEl.textContent = who ? `Reviewing as ${who}` : '';
    const bulk = this.state === 'pending'
      ? h('div', {class: 'actions'}, this.bulkButton('Approve all pending', 'approve', 'good'),
        this.bulkButton('Reject all pending', 'reject', 'danger'))
      : null;
    clear(this.main,
      h('h1', null, 'Approval queue'),
      h('section', {class: 'card'},
        h('div', {class: 'actions'}, h('label', {class: 'inline', for: 'approval-job'}, 'Job'), jobSelect,
          h('label', {class: 'inline', for: 'approval-state'}, 'Show'), stateSelect,
          h('a', {href: `#/jobs/${encodeURIComponent(this.jobId)}`}, 'Job view')),
        this.countsEl, this.whoEl, bulk, this.message),
      this.list);
    try {
      await this.load();
    } catch (err) {
      if (!isAbort(err)) this.say('bad', err.message);
    }
  }
}

export function renderApprovals(main, {signal, params}) {
  return new ApprovalsView(main, signal, params).start();
}
