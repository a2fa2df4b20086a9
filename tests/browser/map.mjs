// Browser test: the real binary and the real référentiel in headless Debian Chromium, driven by
// playwright-core. Creates a temporary database, runs `maillage demo load` and `maillage serve`
// on a free port, signs in as the Moselle ROC, opens the map of Moselle, clicks the cell of Metz
// (57463), checks the commune page, saves screenshots to test-output/, stops the server with
// SIGTERM (which must exit cleanly). Exits non-zero on any failure.
//
//   MAILLAGE_BIN=build/dev/maillage MAILLAGE_REFERENCE=var/reference.sqlite node tests/browser/map.mjs
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const outDir = path.join(root, 'test-output');
const bin = process.env.MAILLAGE_BIN;
const reference = process.env.MAILLAGE_REFERENCE || path.join(root, 'var', 'reference.sqlite');
const LOGIN = 'roc1.moselle@demo.maillage.fr';

function fail(message) {
  console.error(`browser test FAILED: ${message}`);
  process.exitCode = 1;
  throw new Error(message);
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

async function waitForHealth(base, server, seconds) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (server.exitCode !== null) fail(`the server exited early with code ${server.exitCode}`);
    try {
      const r = await fetch(`${base}/healthz`);
      if (r.ok) return;
    } catch { /* not listening yet */ }
    await new Promise((r) => setTimeout(r, 250));
  }
  fail(`the server did not answer /healthz within ${seconds} s`);
}

function stopServer(server) {
  return new Promise((resolve) => {
    if (server.exitCode !== null) return resolve(server.exitCode);
    const timer = setTimeout(() => { server.kill('SIGKILL'); }, 20000);
    server.on('exit', (code, signal) => { clearTimeout(timer); resolve(signal ? signal : code); });
    server.kill('SIGTERM');
  });
}

async function main() {
  if (!bin || !fs.existsSync(bin)) fail(`MAILLAGE_BIN must name the maillage binary (got ${bin})`);
  if (!fs.existsSync(reference)) {
    fail(`référentiel ${reference} not found: build it with \`maillage reference build --out ${reference}\``);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-browser-'));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    MAILLAGE_DATABASE: path.join(tmp, 'maillage.sqlite'),
    MAILLAGE_REFERENCE: reference,
    MAILLAGE_PORT: String(port),
    MAILLAGE_ASSETS: root,
    MAILLAGE_THREADS: '8',
  };

  const demo = spawnSync(bin, ['demo', 'load'], { env, encoding: 'utf8', timeout: 300000 });
  if (demo.status !== 0) fail(`demo load exited with ${demo.status}: ${demo.stderr}`);
  const account = demo.stdout.split('\n').find((l) => l.includes(LOGIN));
  const password = account && account.match(/mot de passe : (\S+)/);
  if (!password) fail(`demo load did not print the password of ${LOGIN}:\n${demo.stdout}`);

  const log = fs.createWriteStream(path.join(outDir, 'browser-server.log'));
  const server = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  let browser;
  try {
    await waitForHealth(base, server, 180);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));

    // Signed out, the map sends us to the login page, which brings us back after login.
    await page.goto(`${base}/carte/57`);
    if (!page.url().startsWith(`${base}/connexion`)) fail(`expected the login page, got ${page.url()}`);
    await page.fill('#identifiant', LOGIN);
    await page.fill('#mot_de_passe', password[1]);
    await Promise.all([page.waitForURL(`${base}/carte/57`), page.click('button[type=submit]')]);

    await page.waitForSelector('#carte[data-etat="pret"]', { timeout: 60000 });
    const cells = await page.locator('#carte path[data-code]').count();
    if (cells < 500) fail(`expected the ~725 communes of Moselle on the map, found ${cells} cells`);
    const title = await page.textContent('h1');
    if (!title.includes('Moselle')) fail(`map title is "${title}"`);
    if ((await page.locator('.legende').count()) !== 1) fail('no legend on the map');
    await page.screenshot({ path: path.join(outDir, 'carte-57.png') });

    // The search box (htmx): typing fetches the /recherche fragment into #resultats.
    await page.fill('input.recherche', 'montigny-les-m');
    const hit = page.locator('#resultats a[href="/communes/57480"]');
    await hit.waitFor({ timeout: 15000 });
    if (!(await hit.textContent()).includes('Montigny-lès-Metz')) fail('search did not find Montigny-lès-Metz');

    const metz = page.locator('#carte path[data-code="57463"]');
    if ((await metz.count()) !== 1) fail('no cell for Metz (57463)');
    await metz.scrollIntoViewIfNeeded();
    await Promise.all([page.waitForURL(`${base}/communes/57463`), metz.click()]);

    const name = (await page.textContent('#nom-commune')).trim();
    if (name !== 'Metz') fail(`commune page shows "${name}"`);
    if ((await page.textContent('#code-commune')).trim() !== '57463') fail('wrong INSEE code on the page');
    const population = Number((await page.textContent('#population-commune')).replace(/\D/g, ''));
    if (!(population > 100000)) fail(`population of Metz is ${population}`);
    const body = await page.textContent('main');
    for (const text of ['Moselle', 'Grand Est', 'Metz Métropole', 'Communes voisines']) {
      if (!body.includes(text)) fail(`commune page lacks "${text}"`);
    }
    const neighbours = await page.locator('ul.voisins a').count();
    if (neighbours < 3) fail(`Metz has ${neighbours} neighbours on its page`);
    await page.screenshot({ path: path.join(outDir, 'commune-57463.png'), fullPage: true });

    if (problems.length > 0) fail(`the browser reported problems:\n  ${problems.join('\n  ')}`);
    console.log(`browser test passed: ${cells} cells on the map of Moselle, Metz (${population} hab.) ` +
      `with ${neighbours} neighbours; screenshots in test-output/`);
  } finally {
    if (browser) await browser.close();
    const code = await stopServer(server);
    log.end();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (code !== 0) fail(`the server did not stop cleanly on SIGTERM (exit ${code})`);
  }
}

main().catch((e) => {
  if (!process.exitCode) {
    console.error(`browser test FAILED: ${e.stack || e}`);
    process.exitCode = 1;
  }
});
