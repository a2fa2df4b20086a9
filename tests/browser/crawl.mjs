// Crawl of every page a demo account can reach by following links, for every demo account, at
// 1 366 px and 390 px (issue 11, "done when"). On each page it checks:
//   lien-mort      a link leads to a page the account cannot open (403, 404, 5xx)
//   defilement     the page scrolls sideways at 390 or 1 366 px
//   code-interne   a snake_case identifier in the visible text
//   date-iso       an ISO date or timestamp in the visible text (people read 07/12/2026 or 7 décembre 2026)
//   axe:RULE       an axe-core violation of WCAG 2.1 level A or AA
//   erreur-script  a JavaScript error on the page
// Pages are grouped by pattern (numbers replaced by {n}); one page of each pattern is opened per
// account, and one account per role (the first in alphabetical order). Findings are compared with tests/browser/crawl_known.json, the list of what is known and
// not fixed yet: a finding not in the list fails the test; an entry no longer found is printed so
// that the list only shrinks. `CRAWL_WRITE_KNOWN=1` rewrites the list from this run.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/crawl.mjs
import fs from 'node:fs';
import path from 'node:path';
import { fail, root, run, withDemoServer } from './lib/harness.mjs';

const KNOWN = path.join(root, 'tests', 'browser', 'crawl_known.json');
const AXE = path.join(root, 'node_modules', 'axe-core', 'axe.min.js');
const PER_PATTERN = 1;
const MAX_PAGES = 120;  // per account: a bound on the crawl, not expected to be reached
// Paths that act or download rather than show a page.
const SKIP = [/^\/deconnexion/, /^\/api\//, /^\/static\//, /\.(odt|docx|pdf|csv|xlsx|png|ics|json|geojson)$/,
  /\/(telecharger|export|document)(\/|$|\?)/];

const pattern = (url) => url.pathname.replace(/\/(\d+|2[AB])(?=\/|$)/g, '/{n}');

async function visibleFindings(page) {
  return page.evaluate(() => {
    // Text people read: the body's rendered text, without the content of <code>, which shows
    // syntax people type (the projet de santé template editor names its data blocks).
    let text = document.body ? document.body.innerText : '';
    // A <code> inside a closed <details> has an empty innerText: splitting on "" would double
    // the text at each one.
    for (const c of document.querySelectorAll('code')) {
      if (c.innerText) text = text.split(c.innerText).join(' ');
    }
    const snake = [...new Set(text.match(/\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b/g) || [])];
    const iso = [...new Set(text.match(/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}[^\s]*)?\b/g) || [])];
    const scroll = document.documentElement.scrollWidth > window.innerWidth + 1;
    return { snake, iso, scroll };
  });
}

async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  return page.evaluate(async () => {
    const r = await window.axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
      resultTypes: ['violations'],
    });
    return r.violations.map((v) => ({ id: v.id, nodes: v.nodes.length, impact: v.impact }));
  });
}

// One account per role: the demo prints each account with its role label.
function accountsOf(demoOutput) {
  const byRole = new Map();
  for (const line of demoOutput.split('\n')) {
    const m = line.match(/^\s*(\S+@\S+)\s+(.+?)\s+mot de passe :/);
    if (m && !byRole.has(m[2])) byRole.set(m[2], m[1]);
  }
  return [...byRole.values()].sort();
}

run(() => withDemoServer('crawl', async ({ base, browser, signIn, demoOutput }) => {
  const findings = new Map();  // key → example "account page"
  const add = (key, where) => { if (!findings.has(key)) findings.set(key, where); };
  let pagesSeen = 0;
  const started = Date.now();

  const accounts = accountsOf(demoOutput);
  if (accounts.length < 6) fail(`expected the demo's accounts, found ${accounts.join(', ')}`);
  for (const login of accounts) {
    const context = await browser.newContext({ viewport: { width: 1366, height: 900 }, locale: 'fr-FR', bypassCSP: true });
    const page = await context.newPage();
    let current = '';
    page.on('pageerror', (e) => add(`erreur-script ${current}`, `${login} ${e.message}`));
    await signIn(page, login, '/');
    const home = new URL(page.url());
    const queue = [{ url: home, from: '(connexion)' }];
    const perPattern = new Map();
    const queued = new Set([home.pathname + home.search]);
    let pages = 0;
    while (queue.length > 0 && pages < MAX_PAGES) {
      const { url, from } = queue.shift();
      const p = pattern(url);
      current = p;
      const response = await page.goto(url.href, { waitUntil: 'load' });
      const status = response ? response.status() : 0;
      const type = response ? (response.headers()['content-type'] || '') : '';
      if (status >= 400) { add(`lien-mort ${pattern(new URL(from, base))} -> ${p} (${status})`, `${login} ${from}`); continue; }
      if (!type.includes('text/html')) continue;
      pages++;
      await page.waitForTimeout(150);  // maps and charts draw after load
      const wide = await visibleFindings(page);
      for (const s of wide.snake) add(`code-interne ${p} ${s}`, `${login} ${url.pathname}`);
      for (const s of wide.iso) add(`date-iso ${p}`, `${login} ${url.pathname} ${s}`);
      if (wide.scroll) add(`defilement ${p} 1366`, `${login} ${url.pathname}`);
      for (const v of await axeViolations(page)) add(`axe:${v.id} ${p}`, `${login} ${url.pathname} (${v.nodes} éléments)`);
      await page.setViewportSize({ width: 390, height: 844 });
      await page.waitForTimeout(100);
      if ((await visibleFindings(page)).scroll) add(`defilement ${p} 390`, `${login} ${url.pathname}`);
      await page.setViewportSize({ width: 1366, height: 900 });

      const links = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
      for (const href of links) {
        let u;
        try { u = new URL(href); } catch { continue; }
        if (u.origin !== base || SKIP.some((r) => r.test(u.pathname))) continue;
        u.hash = '';
        const key = u.pathname + u.search;
        if (queued.has(key)) continue;
        const up = pattern(u);
        const n = perPattern.get(up) || 0;
        if (n >= PER_PATTERN) continue;
        perPattern.set(up, n + 1);
        queued.add(key);
        queue.push({ url: u, from: url.pathname });
      }
    }
    pagesSeen += pages;
    console.log(`crawl: ${login}: ${pages} pages`);
    await context.close();
  }

  const found = [...findings.keys()].sort();
  fs.writeFileSync(path.join(root, 'test-output', 'crawl-findings.txt'),
    found.map((k) => `${k}   [${findings.get(k)}]`).join('\n') + '\n');
  console.log(`crawl: ${pagesSeen} pages in ${Math.round((Date.now() - started) / 1000)} s, ${found.length} findings`);
  if (process.env.CRAWL_WRITE_KNOWN === '1') {
    fs.writeFileSync(KNOWN, JSON.stringify(found, null, 1) + '\n');
    console.log(`crawl: wrote ${KNOWN}`);
    return;
  }
  const known = new Set(fs.existsSync(KNOWN) ? JSON.parse(fs.readFileSync(KNOWN, 'utf8')) : []);
  const fresh = found.filter((k) => !known.has(k));
  const gone = [...known].filter((k) => !findings.has(k));
  if (gone.length > 0) {
    console.log(`crawl: ${gone.length} known findings are gone; remove them from crawl_known.json:\n  ${gone.join('\n  ')}`);
  }
  console.log(`crawl: ${known.size - gone.length} known findings remain`);
  if (fresh.length > 0) {
    fail(`new findings:\n  ${fresh.map((k) => `${k}   [${findings.get(k)}]`).join('\n  ')}`);
  }
}));
