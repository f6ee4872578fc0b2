// The web page of `trawl serve` in Debian's headless chromium, driven by
// playwright-core (never a downloaded browser). run.sh starts the servers
// and passes them in the environment:
//   TRAWL_API_URL  the API port (also serves the page)
//   TRAWL_UI_URL   the --ui-port, where the browser opens the page
//   TRAWL_TOKEN    serve's --token
//   TRAWL_CHROMIUM /usr/bin/chromium
//   TRAWL_ARTIFACTS folder for screenshots and downloads
//   TRAWL_WORK     scratch folder (the browser profile goes there)
//   TRAWL_REDIS_PID the redis-server run.sh started (stopped by the last check)
//
// What it checks, as a user would do it: the page's security headers; the
// token form; submitting site-farm domains in review mode and the mode the
// job got; the job view reaching 100 % live; approving one profile,
// rejecting another and editing a third; the CSV export against the API's
// JSON export; the XSS site shown as literal text with no script run; the
// workers panel; a phone-sized viewport; the banner once Redis is stopped,
// and a parallel submission falling back to embedded.
// Every wait is bounded.

import assert from 'node:assert/strict';
import {mkdtempSync, readFileSync} from 'node:fs';
import {join} from 'node:path';
import {chromium} from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set (run tests/e2e/run.sh)`);
  return value;
};
const API = env('TRAWL_API_URL');
const UI = env('TRAWL_UI_URL');
const TOKEN = env('TRAWL_TOKEN');
const ARTIFACTS = env('TRAWL_ARTIFACTS');
const WORK = env('TRAWL_WORK');
const CHROMIUM = process.env.TRAWL_CHROMIUM || '/usr/bin/chromium';
const REDIS_PID = Number(env('TRAWL_REDIS_PID'));

const kJobTimeoutMs = 240_000;  // the whole job, on a busy 2-core machine
const kStepTimeoutMs = 30_000;  // any one element or answer
const kWholeTestMs = 540_000;

const XSS_NAME = '<img src=x onerror=alert(1)>';
const XSS_DESCRIPTION = '<script>alert(2)</script>';
const DOMAINS = ['bulk-0.test', 'bulk-1.test', 'bulk-2.test', 'bulk-3.test', 'xss.hostile.test', 'pdf.hostile.test'];
const REJECTED_INPUT = 'not_a_domain!';

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    ++passed;
    console.log(`ok - ${name}`);
  } catch (err) {
    ++failed;
    console.log(`not ok - ${name}\n  ${String(err?.stack || err).split('\n').join('\n  ')}`);
    throw Object.assign(err instanceof Error ? err : new Error(String(err)), {reported: true});  // later steps build on this one
  }
}

async function apiGet(path, {token = TOKEN, base = API, headers = {}} = {}) {
  const res = await fetch(base + path, {
    headers: token ? {Authorization: `Bearer ${token}`, ...headers} : headers,
    signal: AbortSignal.timeout(kStepTimeoutMs),
  });
  return {res, text: await res.text()};
}

// RFC 4180 records, as trawl writes them (CRLF, quoted fields).
function parseCsv(text) {
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
    else if (c === ',') { row.push(field); field = ''; }
    else if (c === '\r' && text[i + 1] === '\n') { row.push(field); rows.push(row); row = []; field = ''; ++i; }
    else field += c;
  }
  if (field !== '' || row.length) { row.push(field); rows.push(row); }
  const [header, ...body] = rows;
  return body.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i]])));
}

// The CSV rows (from the page's download) against the API's JSON export of
// the same job: same domains, same names and emails.
function assertSameProfiles(csvRows, jsonProfiles, what) {
  const byDomain = (rows) => rows.map((r) => r.domain).sort();
  assert.deepEqual(byDomain(csvRows), byDomain(jsonProfiles), `${what}: domains`);
  for (const p of jsonProfiles) {
    const row = csvRows.find((r) => r.domain === p.domain);
    assert.equal(row.company_name, p.company_name ?? '', `${what}: ${p.domain} company_name`);
    assert.equal(row.emails, (p.emails || []).map((e) => e.value).join('; '), `${what}: ${p.domain} emails`);
    assert.equal(row.status, p.status, `${what}: ${p.domain} status`);
  }
}

async function downloadCsv(page, approvedOnly, fileName) {
  const box = page.locator('#export-approved');
  if ((await box.isChecked()) !== approvedOnly) await box.click();
  const [download] = await Promise.all([
    page.waitForEvent('download', {timeout: kStepTimeoutMs}),
    page.click('#export-csv'),
  ]);
  const path = join(ARTIFACTS, fileName);
  await download.saveAs(path);
  return parseCsv(readFileSync(path, 'utf8'));
}

async function main() {
  // ---- the page over plain HTTP: headers, no token needed, 404s stay JSON ----
  await check('GET / serves the page with a strict CSP and security headers', async () => {
    for (const base of [API, UI]) {
      const {res, text} = await apiGet('/', {token: null, base});
      assert.equal(res.status, 200, base);
      assert.match(res.headers.get('content-type'), /^text\/html/);
      const csp = res.headers.get('content-security-policy');
      assert.match(csp, /default-src 'self'/);
      assert.match(csp, /script-src 'self'(;|$)/);
      assert.match(csp, /connect-src 'self'/);
      assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.equal(res.headers.get('cache-control'), 'no-cache');
      assert.equal(res.headers.get('referrer-policy'), 'no-referrer');
      assert.match(text, /<script type="module" src="\/app.js"><\/script>/);
      assert.doesNotMatch(text, /<script>/, 'no inline script');
      const etag = res.headers.get('etag');
      assert.ok(etag, 'an ETag');
      const again = await apiGet('/', {token: null, base, headers: {'If-None-Match': etag}});
      assert.equal(again.res.status, 304);
    }
    const js = await apiGet('/app.js', {token: null});
    assert.equal(js.res.status, 200);
    assert.match(js.res.headers.get('content-type'), /^text\/javascript/);
    assert.doesNotMatch(js.text, /innerHTML|insertAdjacentHTML|document\.write|eval\(/);
    const css = await apiGet('/app.css', {token: null});
    assert.match(css.res.headers.get('content-type'), /^text\/css/);
    const missing = await apiGet('/no-such-page', {token: null});
    assert.equal(missing.res.status, 404);
    assert.equal(JSON.parse(missing.text).error.code, 'not_found');
    const noToken = await apiGet('/api/health', {token: null});
    assert.equal(noToken.res.status, 401);
  });

  const profileDir = mkdtempSync(join(WORK, 'chromium-'));
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM,
    headless: true,
    timeout: 60_000,
    acceptDownloads: true,
    viewport: {width: 1360, height: 900},
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  context.setDefaultTimeout(kStepTimeoutMs);
  // Any alert/confirm/prompt (what an injected script would call) is
  // recorded, as are CSP violations; both must stay empty.
  await context.addInitScript(() => {
    window.__trawlCalls = [];
    for (const name of ['alert', 'confirm', 'prompt']) {
      window[name] = (...args) => { window.__trawlCalls.push(`${name}(${args.map(String).join(',')})`); };
    }
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__trawlCalls.push(`csp:${e.violatedDirective}:${e.blockedURI}`);
    });
  });
  const page = context.pages()[0] || await context.newPage();
  const dialogs = [];
  const pageErrors = [];
  page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
  page.on('pageerror', (err) => pageErrors.push(String(err)));

  const noScriptRan = async (where) => {
    const calls = await page.evaluate(() => window.__trawlCalls);
    assert.deepEqual(calls, [], `${where}: alert or CSP violation`);
    assert.deepEqual(dialogs, [], `${where}: a dialog opened`);
    assert.equal(await page.locator('img[src="x"]').count(), 0, `${where}: an <img src=x> was built`);
    const scripts = await page.evaluate(() => [...document.scripts].map((s) => s.getAttribute('src')));
    assert.deepEqual(scripts, ['/app.js'], `${where}: scripts on the page`);
    assert.deepEqual(pageErrors, [], `${where}: uncaught errors`);
  };

  let jobId;
  try {
    await check('the page asks for the token once, in its own form', async () => {
      await page.goto(`${UI}/#/submit`);
      await page.waitForSelector('#ask-dialog[open]');
      assert.match(await page.textContent('#ask-title'), /token/i);
      await page.fill('#ask-input', TOKEN);
      await page.click('#ask-ok');
      await page.waitForSelector('#ask-dialog', {state: 'hidden'});
      await page.waitForSelector('#submit-form');
    });

    await check('submit in review mode, typed and from a CSV file: the job runs parallel, the bad input is listed', async () => {
      await page.fill('#domains', `bulk-0.test, bulk-1.test\nbulk-2.test ${REJECTED_INPUT}`);
      // The CSV's domain-like cells are read in the browser: a URL, a bare
      // domain, a quoted one; not the header, names or emails.
      const csv = 'name,website,email\r\nBulk three,https://www.bulk-3.test/contact,info@bulk-3.test\r\n' +
        'XSS,xss.hostile.test,x@example.com\r\n"PDF, the site","pdf.hostile.test",\r\n';
      await page.setInputFiles('#domains-file', {name: 'domains.csv', mimeType: 'text/csv', buffer: Buffer.from(csv)});
      await page.waitForSelector('#file-info:has-text("3 domains read from domains.csv")');
      assert.equal(await page.inputValue('#domains'),
        `bulk-0.test, bulk-1.test\nbulk-2.test ${REJECTED_INPUT}\nhttps://www.bulk-3.test/contact\nxss.hostile.test\npdf.hostile.test`);
      await page.check('input[name="mode"][value="parallel"]');
      await page.check('input[name="approval"][value="review"]');
      await page.click('#submit-button');
      await page.waitForSelector('#submit-result');
      assert.equal(await page.getAttribute('#submit-mode', 'data-mode'), 'redis_parallel');
      assert.equal(await page.locator('#fallback-reason').count(), 0);
      assert.match(await page.textContent('#rejected-table'), /not_a_domain!/);
      assert.match(await page.textContent('#submit-result'), new RegExp(`: ${DOMAINS.length} domains`));
      const href = await page.getAttribute('#watch-job', 'href');
      jobId = decodeURIComponent(href.replace('#/jobs/', ''));
      assert.match(jobId, /^[0-9a-f]+$/);
    });

    await check('the job view fills live to 100 %, every domain with its state', async () => {
      await page.click('#watch-job');
      await page.waitForSelector('#live-state:has-text("live")');
      await page.waitForFunction(() => document.querySelector('#job-progress')?.dataset.percent === '100',
        null, {timeout: kJobTimeoutMs});
      const [value, max] = await page.evaluate(() => {
        const bar = document.querySelector('#job-progress');
        return [bar.value, bar.max];
      });
      assert.equal(value, max);
      assert.equal(max, DOMAINS.length);
      assert.match(await page.textContent('#job-progress-label'), /^100 %/);
      assert.equal(await page.textContent('#job-status'), 'completed');
      // The rows follow the events: each finished domain's row is re-fetched.
      await page.waitForFunction((n) => document.querySelectorAll('#domain-rows tr[data-state="done"], #domain-rows tr[data-state="failed"]').length === n,
        DOMAINS.length, {timeout: kStepTimeoutMs});
      const pdfRow = page.locator('#domain-rows tr[data-domain="pdf.hostile.test"]');
      assert.equal(await pdfRow.getAttribute('data-state'), 'failed');
      assert.match(await pdfRow.locator('.domain-error').textContent(), /not an HTML page/);
      const bulkRow = page.locator('#domain-rows tr[data-domain="bulk-0.test"]');
      assert.match(await bulkRow.textContent(), /@bulk-0\.test/);
      await page.screenshot({path: join(ARTIFACTS, 'job-view.png'), fullPage: true});
    });

    await check('the XSS site shows its markup as literal text, and no script runs', async () => {
      const {res, text} = await apiGet(`/api/jobs/${jobId}/domains?domain=xss.hostile.test`);
      assert.equal(res.status, 200);
      const profile = JSON.parse(text).domains[0].profile;
      const row = page.locator('#domain-rows tr[data-domain="xss.hostile.test"]');
      assert.ok(profile.description.includes(XSS_DESCRIPTION), `description: ${profile.description}`);
      assert.ok((await row.locator('.company-description').textContent()).includes(XSS_DESCRIPTION));
      if (profile.company_name !== null) {
        assert.equal(profile.company_name, XSS_NAME);
        assert.equal(await row.locator('.company-name').textContent(), XSS_NAME);
      } else {
        console.log('# note: the extractor gave xss.hostile.test no company name; only the description is checked');
      }
      await noScriptRan('job view');
    });

    await check('approval queue: approve one, reject one, edit one, with evidence shown', async () => {
      await page.click('#review-job');
      await page.waitForSelector('#approval-list section.profile');
      const card = (domain) => page.locator(`section.profile[data-domain="${domain}"]`);
      // Evidence: the page each value came from.
      assert.match(await card('bulk-0.test').textContent(), /from http:\/\/(www\.)?bulk-0\.test\//);
      await page.screenshot({path: join(ARTIFACTS, 'approval-queue.png'), fullPage: true});

      await card('bulk-0.test').locator('button.approve').click();
      await page.waitForSelector('#ask-dialog[open]');  // the reviewer's name, asked once
      await page.fill('#ask-input', 'e2e reviewer');
      await page.click('#ask-ok');
      await page.waitForSelector('#approval-message:has-text("Approved bulk-0.test")');
      await page.waitForSelector('section.profile[data-domain="bulk-0.test"]', {state: 'detached'});

      await card('bulk-1.test').locator('button.reject').click();
      await page.waitForSelector('#approval-message:has-text("Rejected bulk-1.test")');
      assert.equal(await page.locator('#ask-dialog[open]').count(), 0, 'the name is asked only once');

      await card('bulk-2.test').locator('button.edit').click();
      await card('bulk-2.test').locator('input[name="company_name"]').fill('Edited Name Ltd');
      await card('bulk-2.test').locator('button.save-approve').click();
      await page.waitForSelector('#approval-message:has-text("Approved bulk-2.test")');

      const xssCard = card('xss.hostile.test');
      assert.ok((await xssCard.textContent()).includes(XSS_DESCRIPTION));
      await noScriptRan('approval queue');

      const approved = JSON.parse((await apiGet(`/api/approvals?job_id=${jobId}&state=approved`)).text);
      assert.deepEqual(approved.profiles.map((p) => p.domain).sort(), ['bulk-0.test', 'bulk-2.test']);
      const edited = approved.profiles.find((p) => p.domain === 'bulk-2.test');
      assert.equal(edited.profile.company_name, 'Edited Name Ltd');
      assert.equal(edited.reviewed_by, 'e2e reviewer');
      assert.deepEqual(Object.keys(edited.edited), ['company_name']);
      const rejected = JSON.parse((await apiGet(`/api/approvals?job_id=${jobId}&state=rejected`)).text);
      assert.deepEqual(rejected.profiles.map((p) => p.domain), ['bulk-1.test']);
    });

    await check('CSV export (all, then approved only) matches the API\'s JSON export', async () => {
      await page.goto(`${UI}/#/jobs/${jobId}`);
      await page.waitForSelector('#domain-rows tr[data-domain]');
      const all = await downloadCsv(page, false, 'export-all.csv');
      const allJson = JSON.parse((await apiGet(`/api/jobs/${jobId}/results?format=json`)).text);
      assert.equal(all.length, DOMAINS.length);
      assertSameProfiles(all, allJson, 'all');
      assert.equal(all.find((r) => r.domain === 'bulk-2.test').company_name, 'Edited Name Ltd');
      const approved = await downloadCsv(page, true, 'export-approved.csv');
      const approvedJson = JSON.parse((await apiGet(`/api/jobs/${jobId}/results?format=json&approved=1`)).text);
      assert.deepEqual(approved.map((r) => r.domain).sort(), ['bulk-0.test', 'bulk-2.test']);
      assertSameProfiles(approved, approvedJson, 'approved');
    });

    await check('jobs list and workers panel', async () => {
      await page.goto(`${UI}/#/jobs`);
      await page.waitForSelector(`#jobs-table a[href="#/jobs/${jobId}"]`);
      await page.goto(`${UI}/#/workers`);
      await page.waitForSelector('#workers-table tr[data-worker="e2e-worker-1"]');
      await page.waitForSelector('#workers-table tr[data-worker="e2e-worker-2"]');
      assert.equal(await page.textContent('#health-workers'), '2');
      assert.ok(await page.locator('#banner').isHidden(), 'no health banner while all is up');
      await page.screenshot({path: join(ARTIFACTS, 'workers.png'), fullPage: true});
    });

    await check('a phone-sized screen: the page does not scroll sideways', async () => {
      await page.setViewportSize({width: 390, height: 844});
      await page.goto(`${UI}/#/jobs/${jobId}`);
      await page.waitForSelector('#domain-rows tr[data-domain]');
      const [scrollWidth, innerWidth] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
      assert.ok(scrollWidth <= innerWidth + 1, `page is ${scrollWidth}px wide on a ${innerWidth}px screen`);
      await page.screenshot({path: join(ARTIFACTS, 'job-view-phone.png'), fullPage: true});
      await noScriptRan('phone view');
    });

    await check('a banner says so when Redis goes away', async () => {
      await page.setViewportSize({width: 1360, height: 900});
      process.kill(REDIS_PID, 'SIGTERM');  // run.sh started it; its cleanup copes
      await page.goto(`${UI}/#/workers`);
      await page.waitForSelector('#banner:has-text("Redis does not answer")', {timeout: kStepTimeoutMs});
      await page.waitForSelector('main .notice:has-text("redis")');
      await page.screenshot({path: join(ARTIFACTS, 'redis-down.png')});
    });

    await check('without Redis a parallel submission runs embedded, and the page says why', async () => {
      await page.goto(`${UI}/#/submit`);
      await page.fill('#domains', 'bulk-4.test');
      await page.check('input[name="mode"][value="parallel"]');
      await page.check('input[name="approval"][value="auto"]');
      await page.click('#submit-button');
      await page.waitForSelector('#submit-result');
      assert.equal(await page.getAttribute('#submit-mode', 'data-mode'), 'sequential');
      assert.match(await page.textContent('#fallback-reason'), /^redis unreachable/);
      await page.click('#watch-job');
      await page.waitForFunction(() => document.querySelector('#job-progress')?.dataset.percent === '100',
        null, {timeout: kJobTimeoutMs});
      await page.waitForSelector('#domain-rows tr[data-domain="bulk-4.test"][data-state="done"]');
      assert.match(await page.textContent('#job-fallback'), /redis unreachable/);
      await noScriptRan('embedded job');
    });
  } finally {
    await page.screenshot({path: join(ARTIFACTS, 'last-page.png'), fullPage: true}).catch(() => {});
    await context.close();
  }
}

const watchdog = setTimeout(() => {
  console.log(`not ok - the test did not finish within ${kWholeTestMs / 1000} s`);
  process.exit(1);
}, kWholeTestMs);
try {
  await main();
} catch (err) {
  // A failed check is reported already; anything else (the browser did not
  // start, …) is reported here.
  if (!err?.reported) {
    ++failed;
    console.log(`not ok - ${String(err?.stack || err).split('\n').join('\n  ')}`);
  }
} finally {
  clearTimeout(watchdog);
  console.log(`browser_test: ${passed} passed, ${failed} failed`);
  process.exitCode = failed ? 1 : 0;
}
