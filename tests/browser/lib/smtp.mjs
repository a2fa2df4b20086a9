// A real SMTP server for browser tests: the local sink tests/tools/smtp_sink.py (Debian
// python3-aiosmtpd), started by the test on a free port; the server under test is pointed at it
// with MAILLAGE_SMTP_URL. Recipients whose address starts with "refuse@" are refused (550).
//
//   const sink = await startSink();      // { port, messages(), stop() }
//   ... env: { MAILLAGE_SMTP_URL: `smtp://127.0.0.1:${sink.port}` } ...
//   sink.messages()                      // [{ from, to, subject, to_header, text, attachments }]
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail, root } from './harness.mjs';

const python = process.env.MAILLAGE_PYTHON || '/usr/bin/python3';
const sinkScript = path.join(root, 'tests', 'tools', 'smtp_sink.py');

export function startSink() {
  const check = spawnSync(python, ['-c', 'import aiosmtpd']);
  if (check.status !== 0) fail(`${python} cannot import aiosmtpd (apt-get install python3-aiosmtpd)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-smtp-'));
  const child = spawn(python, [sinkScript, 'serve', dir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let errors = '';
  child.stderr.on('data', (d) => { errors += d; });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`SMTP sink did not start: ${errors}`)), 20000);
    child.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/^(\d+) (\d+)\nready\n/);
      if (!m) return;
      clearTimeout(timer);
      resolve({
        port: Number(m[1]),
        messages() {
          const r = spawnSync(python, [sinkScript, 'read', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
          if (r.status !== 0) fail(`smtp_sink.py read: ${r.stderr}`);
          return JSON.parse(r.stdout);
        },
        stop() { child.kill('SIGTERM'); fs.rmSync(dir, { recursive: true, force: true }); },
      });
    });
    child.on('exit', (code) => reject(new Error(`SMTP sink exited (${code}): ${errors}`)));
  });
}
