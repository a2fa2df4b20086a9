// Shared harness of the browser tests: the real binary and the real référentiel, a temporary
// database loaded with `maillage demo load`, `maillage serve` on a free port, headless Debian
// Chromium through playwright-core, sign-in with a demo account, and a clean SIGTERM stop.
//
//   import { withDemoServer, fail } from './lib/harness.mjs';
//   await withDemoServer('my-test', async ({ base, browser, signIn, shot, problems }) => { ... });
//
// Environment: MAILLAGE_BIN (the binary), MAILLAGE_REFERENCE (default var/reference.sqlite).
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const outDir = path.join(root, 'test-output');

export function fail(message) {
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

// Runs `body` against a fresh demo server. body receives:
//   base      "http://127.0.0.1:PORT"
//   browser   the Chromium instance
//   newPage() a French 1280×900 page whose console errors, page errors and failed requests are
//             collected into `problems` (checked when body returns)
//   signIn(page, login, next = '/')  signs in through the login form with the demo password
//   shot(page, name, options)        saves test-output/NAME.png
//   env, bin, tmp                    to run more CLI commands against the same database
//   demoOutput                       stdout of `maillage demo load`
//
// `options.empty` starts from an empty database with one administrator instead of the demo (see
// below). `options.env` adds environment variables to the demo load and the server (e.g. MAILLAGE_SMTP_URL
// for a local SMTP sink).
export async function withDemoServer(name, body, options = {}) {
  const bin = process.env.MAILLAGE_BIN;
  const reference = process.env.MAILLAGE_REFERENCE || path.join(root, 'var', 'reference.sqlite');
  if (!bin || !fs.existsSync(bin)) fail(`MAILLAGE_BIN must name the maillage binary (got ${bin})`);
  if (!fs.existsSync(reference)) {
    fail(`référentiel ${reference} not found: build it with \`maillage reference build --out ${reference}\``);
  }
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `maillage-${name}-`));
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const env = {
    ...process.env,
    MAILLAGE_DATABASE: path.join(tmp, 'maillage.sqlite'),
    MAILLAGE_REFERENCE: reference,
    MAILLAGE_PORT: String(port),
    MAILLAGE_ASSETS: root,
    MAILLAGE_THREADS: '8',
    ...(options.env || {}),
  };

  // `options.empty` ({ login, password }): a new installation instead of the demo, with only the
  // référentiel and this administrator account (created as the README says, with the CLI).
  const demo = options.empty
    ? spawnSync(bin, ['user', 'add', '--login', options.empty.login, '--name', 'Administration',
      '--role', 'admin', '--password', options.empty.password], { env, encoding: 'utf8', timeout: 60000 })
    : spawnSync(bin, ['demo', 'load'], { env, encoding: 'utf8', timeout: 300000 });
  if (demo.status !== 0) fail(`${options.empty ? 'user add' : 'demo load'} exited with ${demo.status}: ${demo.stderr}`);
  const passwords = new Map(options.empty ? [[options.empty.login, options.empty.password]] : []);
  for (const line of demo.stdout.split('\n')) {
    const m = line.match(/^\s*(\S+@\S+)\s.*mot de passe : (\S+)/);
    if (m) passwords.set(m[1], m[2]);
  }

  const log = fs.createWriteStream(path.join(outDir, `${name}-server.log`));
  const server = spawn(bin, ['serve'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  server.stdout.pipe(log);
  server.stderr.pipe(log);
  let browser;
  const problems = [];
  try {
    await waitForHealth(base, server, 180);
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--headless', '--disable-gpu', '--no-first-run', '--lang=fr-FR',
        '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const newPage = async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' });
      page.on('console', (m) => { if (m.type() === 'error') problems.push(`console: ${m.text()}`); });
      page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()}`));
      return page;
    };
    const signIn = async (page, login, next = '/') => {
      const password = passwords.get(login);
      if (!password) fail(`demo load did not print the password of ${login}:\n${demo.stdout}`);
      await page.goto(`${base}/connexion?suite=${encodeURIComponent(next)}`);
      await page.fill('#identifiant', login);
      await page.fill('#mot_de_passe', password);
      await Promise.all([page.waitForURL(`${base}${next}`), page.click('button[type=submit]')]);
    };
    const shot = (page, shotName, options = {}) =>
      page.screenshot({ path: path.join(outDir, `${shotName}.png`), ...options });
    await body({ base, browser, newPage, signIn, shot, problems, env, bin, tmp, passwords,
      demoOutput: demo.stdout });
    if (problems.length > 0) fail(`the browser reported problems:\n  ${problems.join('\n  ')}`);
  } finally {
    if (browser) await browser.close();
    const code = await stopServer(server);
    log.end();
    fs.rmSync(tmp, { recursive: true, force: true });
    if (code !== 0) fail(`the server did not stop cleanly on SIGTERM (exit ${code})`);
  }
}

// Entry point of a test file: runs main and turns an exception into a non-zero exit.
export function run(main) {
  main().catch((e) => {
    if (!process.exitCode) {
      console.error(`browser test FAILED: ${e.stack || e}`);
      process.exitCode = 1;
    }
  });
}
