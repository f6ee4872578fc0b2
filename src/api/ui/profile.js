// How a crawled profile (docs/api.md, the JSON `trawl crawl` prints) is
// shown: compact cells for the job's domain table, and the field list with
// evidence (the page each value was read from) for the approval queue.
// Every value is scraped and shown as text (dom.js).

import {badge, extLink, h} from './dom.js';

// docs/errors.md in plain words, for people who do not read codes.
const kErrorWords = {
  invalid_domain: 'Not a valid domain.',
  dns_failure: 'The domain does not resolve (no DNS record): check the spelling, it may have lapsed.',
  connect_failed: 'Nothing accepted a connection: the site is down or firewalled.',
  tls_error: 'The site\'s HTTPS certificate is broken or untrusted, and plain HTTP was not available.',
  timeout: 'The server accepted the connection but did not deliver the page in time.',
  http_error: 'The home page answered with an error status.',
  robots_disallowed: 'The site\'s robots.txt forbids crawling its home page.',
  blocked_address: 'The name points to a private or reserved address, which trawl refuses to crawl.',
  too_large: 'The home page is too large.',
  no_html: 'The home page is not an HTML page (a PDF, an image, …).',
  too_many_redirects: 'Too many redirects, or a redirect loop.',
  bad_encoding: 'The page\'s compression could not be undone.',
  protocol_error: 'The server\'s answer was not valid HTTP.',
  internal: 'A bug in trawl: please report it with the domain.',
  cancelled: 'The job was cancelled before this domain was crawled.',
};

// {code, message} → one sentence, then the technical message.
export function errorInWords(error) {
  if (!error) return null;
  const words = kErrorWords[error.code] || 'The crawl failed.';
  return h('span', {class: 'error-text'}, words,
    error.message ? h('span', {class: 'muted small wrap'}, ` (${error.message})`) : null);
}

const kSocialNames = {
  linkedin: 'LinkedIn', twitter: 'X / Twitter', facebook: 'Facebook', instagram: 'Instagram',
  youtube: 'YouTube', github: 'GitHub', tiktok: 'TikTok',
};

function list(items) {
  if (!items.length) return h('span', {class: 'muted'}, '—');
  return h('ul', null, items.map((item) => h('li', {class: 'wrap'}, item)));
}

export function addressText(a) {
  if (a.text) return a.text;
  return [a.street, a.locality, a.region, a.postcode, a.country].filter(Boolean).join(', ');
}

export function socialEntries(profile) {
  return Object.entries(profile.social || {}).filter(([, url]) => typeof url === 'string' && url);
}

function phoneText(p) {
  const kind = p.kind && p.kind !== 'phone' ? ` (${p.kind})` : '';
  return `${p.display || p.value}${kind}`;
}

// ---- cells of the job's domain table ---------------------------------------

export function nameCell(profile) {
  if (!profile) return h('span', {class: 'muted'}, '—');
  const description = profile.description
    ? (profile.description.length > 240 ? `${profile.description.slice(0, 240)}…` : profile.description)
    : null;
  return h('div', null,
    h('div', {class: 'company-name wrap'}, profile.company_name ?? h('span', {class: 'muted'}, 'no name found')),
    description ? h('div', {class: 'company-description muted small wrap'}, description) : null);
}

export const emailsCell = (p) => list((p?.emails || []).map((e) => e.value));
export const phonesCell = (p) => list((p?.phones || []).map(phoneText));
export const addressesCell = (p) => list((p?.addresses || []).map(addressText));
export const socialCell = (p) => list(socialEntries(p || {}).map(([net, url]) => extLink(url, kSocialNames[net] || net)));

export function idsCell(p) {
  const items = [];
  if (p?.company_number) items.push(`Company no. ${p.company_number}`);
  if (p?.vat_number) items.push(`VAT ${p.vat_number}`);
  if (p?.country) items.push(`Country ${p.country}`);
  return list(items);
}

// The pages visited (status and URL), folded.
export function pagesCell(p) {
  const pages = p?.pages || [];
  if (!pages.length) return h('span', {class: 'muted'}, '—');
  return h('details', null,
    h('summary', null, `${pages.length} page${pages.length === 1 ? '' : 's'}`),
    h('ul', {class: 'small'}, pages.map((pg) => h('li', {class: 'wrap'}, `${pg.status} `, extLink(pg.url)))));
}

// ---- the approval queue's field list ----------------------------------------

function evidence(source) {
  if (!source) return null;
  return h('div', {class: 'evidence'}, 'from ', extLink(source));
}

function valueWithEvidence(text, source) {
  return h('div', {class: 'value-line'}, h('div', {class: 'wrap'}, text), evidence(source));
}

// The profile as a <dl>: each value with the page it came from.
export function profileFields(profile) {
  const sources = profile.sources || {};
  const rows = [];
  const add = (label, ...content) => rows.push(h('dt', null, label), h('dd', null, ...content));
  const none = () => h('span', {class: 'muted'}, '—');
  if (profile.status === 'failed') add('Error', errorInWords(profile.error));
  add('Name', profile.company_name ? valueWithEvidence(profile.company_name, sources.company_name) : none());
  add('Description', profile.description ? valueWithEvidence(profile.description, sources.description) : none());
  add('Emails', (profile.emails || []).length ? profile.emails.map((e) => valueWithEvidence(e.value, e.source)) : none());
  add('Phones', (profile.phones || []).length ? profile.phones.map((p) => valueWithEvidence(phoneText(p), p.source)) : none());
  add('Addresses', (profile.addresses || []).length ? profile.addresses.map((a) => valueWithEvidence(addressText(a), a.source)) : none());
  const social = socialEntries(profile);
  add('Social', social.length ? social.map(([net, url]) => h('div', {class: 'value-line'}, `${kSocialNames[net] || net}: `, extLink(url))) : none());
  add('Company number', profile.company_number ? valueWithEvidence(profile.company_number, sources.company_number) : none());
  add('VAT number', profile.vat_number ? valueWithEvidence(profile.vat_number, sources.vat_number) : none());
  add('Country', profile.country || none());
  add('Pages visited', pagesCell(profile));
  return h('dl', {class: 'fields'}, rows);
}

export function approvalBadge(approval) {
  if (!approval) return null;
  return badge(approval === 'pending' ? 'to review' : approval, approval);
}
