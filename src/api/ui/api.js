// Talking to trawl's /api: JSON calls with the bearer token, the token form
// (asked once per browser session, on the first 401), downloads through
// fetch (so they carry the token too), and Server-Sent Events read with
// fetch() — EventSource cannot send an Authorization header.

import {sleep} from './dom.js';

const kTokenKey = 'trawl.token';
const kMaxAuthAttempts = 3;            // token form shown at most this often per call
const kStreamBaseDelayMs = 1000;       // first reconnect delay (the server's `retry:` overrides)
const kStreamMaxDelayMs = 30000;
const kStreamSilenceMs = 45000;        // the server sends a keepalive every 15 s

// An /api answer that is not 2xx (status 0: no answer at all).
export class ApiError extends Error {
  constructor(status, code, message, body) {
    super(message);
    this.status = status;
    this.code = code;
    this.body = body;
  }
}

export function isAbort(err) {
  return err?.name === 'AbortError';
}

const listeners = new Set();
export function onTokenChange(fn) { listeners.add(fn); }

export function token() {
  return sessionStorage.getItem(kTokenKey) || '';
}

export function forgetToken() {
  sessionStorage.removeItem(kTokenKey);
  listeners.forEach((fn) => fn());
}

function headers(extra = {}) {
  const out = {...extra};
  const t = token();
  if (t) out.Authorization = `Bearer ${t}`;
  return out;
}

// ---- the small form dialog (never prompt()) --------------------------------

let dialogChain = Promise.resolve();

// Shows the form in index.html's <dialog>; resolves to the text entered, or
// null when cancelled. One at a time: later calls wait for earlier ones.
export function ask({title, text = '', label, type = 'text', value = ''}) {
  const run = () => new Promise((resolve) => {
    const dialog = document.getElementById('ask-dialog');
    const form = document.getElementById('ask-form');
    const input = document.getElementById('ask-input');
    document.getElementById('ask-title').textContent = title;
    document.getElementById('ask-text').textContent = text;
    document.getElementById('ask-label').textContent = label;
    input.type = type;
    input.value = value;
    const done = (result) => {
      form.removeEventListener('submit', onSubmit);
      cancel.removeEventListener('click', onCancel);
      dialog.removeEventListener('cancel', onCancel);
      if (dialog.open) dialog.close();
      resolve(result);
    };
    const onSubmit = (e) => { e.preventDefault(); done(input.value.trim() || null); };
    const onCancel = (e) => { e.preventDefault(); done(null); };
    const cancel = document.getElementById('ask-cancel');
    form.addEventListener('submit', onSubmit);
    cancel.addEventListener('click', onCancel);
    dialog.addEventListener('cancel', onCancel);
    dialog.showModal();
    input.focus();
  });
  const next = dialogChain.then(run);
  dialogChain = next.catch(() => {});
  return next;
}

let tokenQuestion = null;

// Asks for the token (several 401s at once share one form). Resolves when a
// token was entered; throws ApiError 401 when the form was cancelled.
async function askToken(rejected) {
  if (!tokenQuestion) {
    tokenQuestion = ask({
      title: 'API token',
      text: rejected
        ? 'That token was not accepted. Enter the token trawl serve was started with (--token).'
        : 'This server needs its token (trawl serve --token). It is kept for this browser tab only.',
      label: 'Token',
      type: 'password',
    }).finally(() => { tokenQuestion = null; });
  }
  const entered = await tokenQuestion;
  if (!entered) throw new ApiError(401, 'unauthorized', 'no token given: the server needs one');
  sessionStorage.setItem(kTokenKey, entered);
  listeners.forEach((fn) => fn());
}

// A 401 on a request sent with `sent` as token: ask, unless another call has
// meanwhile set a different token (then just try again).
async function handleUnauthorized(sent) {
  if (token() !== sent) return;
  await askToken(sent !== '');
}

async function errorFrom(res) {
  const body = await res.json().catch(() => null);
  const err = body?.error;
  return new ApiError(res.status, err?.code || `http_${res.status}`,
    err?.message || `${res.status} ${res.statusText}`, body);
}

// fetch() with the token; a 401 asks for it and tries again. Resolves to the
// Response when 2xx; throws ApiError otherwise (status 0 when no answer) or
// the AbortError of `signal`.
export async function apiResponse(path, {method = 'GET', body, signal, accept} = {}) {
  for (let attempt = 0; attempt < kMaxAuthAttempts; ++attempt) {
    const sent = token();
    const extra = {};
    if (body !== undefined) extra['Content-Type'] = 'application/json';
    if (accept) extra.Accept = accept;
    let res;
    try {
      res = await fetch(path, {
        method, signal, cache: 'no-store', headers: headers(extra),
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError(0, 'network', `the server did not answer (${err.message})`);
    }
    if (res.status === 401) {
      await handleUnauthorized(sent);
      continue;
    }
    if (!res.ok) throw await errorFrom(res);
    return res;
  }
  throw new ApiError(401, 'unauthorized', 'the token was not accepted');
}

// One JSON call: the parsed body, or throws as apiResponse does.
export async function api(path, options = {}) {
  const res = await apiResponse(path, {...options, accept: 'application/json'});
  const text = await res.text();
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new ApiError(res.status, 'bad_answer', 'the server answered something that is not JSON');
  }
}

// Downloads `path` as a file (fetch → Blob → object URL), named after the
// answer's Content-Disposition or `fallbackName`. Throws as apiResponse does.
export async function download(path, fallbackName, signal) {
  const res = await apiResponse(path, {signal});
  const blob = await res.blob();
  const disposition = res.headers.get('Content-Disposition') || '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  const name = (match ? match[1] : fallbackName).replace(/[^\w.-]+/g, '_');
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  return {name, bytes: blob.size};
}

// ---- Server-Sent Events -----------------------------------------------------

// Splits one SSE frame (lines up to a blank line) into {event, data, retry}.
function parseFrame(frame) {
  let event = 'message';
  const data = [];
  let retry = null;
  for (const line of frame.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;  // comments: keepalives
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    let value = colon < 0 ? '' : line.slice(colon + 1);
    if (value.startsWith(' ')) value = value.slice(1);
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
    else if (field === 'retry' && /^\d+$/.test(value)) retry = Number(value);
  }
  return {event, data: data.length ? data.join('\n') : null, retry};
}

// Reads the event stream at `path` until close(): onEvent(name, data) for
// each frame with data; onState('open' | 'reconnecting' | 'gone' | 'closed',
// detail) as the connection changes. A dropped or silent stream reconnects
// after 1, 2, 4 … 30 s; a 401 asks for the token; a 4xx other than 401
// (e.g. an unknown job) ends it ('gone').
export function eventStream(path, {onEvent, onState}) {
  const stop = new AbortController();
  let baseDelay = kStreamBaseDelayMs;
  let opened = false;  // the current attempt got a 2xx stream

  async function readOnce() {
    const attempt = new AbortController();
    const abortAttempt = () => attempt.abort();
    stop.signal.addEventListener('abort', abortAttempt, {once: true});
    let watchdog = null;
    const feed = () => {
      clearTimeout(watchdog);
      watchdog = setTimeout(abortAttempt, kStreamSilenceMs);
    };
    try {
      const sent = token();
      const res = await fetch(path, {
        signal: attempt.signal, cache: 'no-store', headers: headers({Accept: 'text/event-stream'}),
      });
      if (res.status === 401) {
        await handleUnauthorized(sent);
        return 'retry-now';
      }
      if (res.status >= 400 && res.status < 500) {
        const err = await errorFrom(res);
        onState('gone', err.message);
        return 'gone';
      }
      if (!res.ok || !res.body) throw new Error(`HTTP ${res.status}`);
      opened = true;
      onState('open');
      feed();
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let buffer = '';
      for (;;) {
        const {value, done} = await reader.read();
        if (done) break;
        feed();
        buffer = (buffer + value).replace(/\r\n/g, '\n');
        let end;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const frame = parseFrame(buffer.slice(0, end));
          buffer = buffer.slice(end + 2);
          if (frame.retry !== null) baseDelay = Math.min(Math.max(frame.retry, 250), kStreamMaxDelayMs);
          if (frame.data !== null) onEvent(frame.event, frame.data);
        }
      }
      return 'dropped';
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) {
        onState('gone', err.message);
        return 'gone';
      }
      return 'dropped';
    } finally {
      clearTimeout(watchdog);
      stop.signal.removeEventListener('abort', abortAttempt);
    }
  }

  (async () => {
    let delay = 0;
    while (!stop.signal.aborted) {
      opened = false;
      const outcome = await readOnce();
      if (stop.signal.aborted || outcome === 'gone') break;
      if (outcome === 'retry-now') continue;
      // A stream that was open starts over at the base delay; one that
      // never opened backs off further each time.
      delay = opened ? baseDelay : Math.min(Math.max(delay * 2, baseDelay), kStreamMaxDelayMs);
      onState('reconnecting', delay);
      await sleep(delay, stop.signal);
    }
    if (stop.signal.aborted) onState('closed');
  })();

  return {close: () => stop.abort()};
}
