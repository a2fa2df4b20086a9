// Browser test of RPPS imports from the browser: the ROC of the Moselle generates two FICTITIOUS
// extracts of the Ardennes (08) with `maillage demo rpps` (the same pool of people a year apart,
// so that some arrive and some leave; the newer one with 5 bad lines), uploads the first from the
// RPPS page (sending progress, then the import's progress bar until « terminé »), reads its
// report, uploads the second and reads its report (the bad lines with their numbers), then opens
// the changes between the two for the Ardennes and downloads the CSV, whose lines are checked
// against the JSON API. Screenshots in test-output/rpps-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/rpps.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fail, root, run, withDemoServer } from './lib/harness.mjs';

const ROC = 'roc1.moselle@demo.maillage.fr';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

function generate(bin, env, out, args) {
  const r = spawnSync(bin, ['demo', 'rpps', '--departement', '08', '--out', out, ...args],
    { env, encoding: 'utf8', timeout: 120000 });
  if (r.status !== 0) fail(`maillage demo rpps ${args.join(' ')}: ${r.stderr}`);
  if (!fs.existsSync(out) || fs.statSync(out).size < 100000) fail(`${out} was not written`);
}

async function main() {
  const uploads = fs.mkdtempSync(path.join(os.tmpdir(), 'maillage-rpps-uploads-'));
  try {
    await withDemoServer('rpps', async ({ base, newPage, signIn, shot, problems, env, bin, tmp }) => {
      const older = path.join(tmp, 'PS_LibreAcces_Personne_activite_202411150000_FICTIF.txt');
      const newer = path.join(tmp, 'PS_LibreAcces_Personne_activite_202511150000_FICTIF.txt');
      generate(bin, env, older, ['--seed', '8', '--vintage', '-1', '--date', '20241115']);
      generate(bin, env, newer, ['--seed', '8', '--vintage', '0', '--bad-lines', '5', '--date', '20251115']);

      const page = await newPage();
      await signIn(page, ROC, '/');
      await Promise.all([page.waitForURL(`${base}/rpps`), page.click('nav a[href="/rpps"]')]);
      const before = await page.locator('#tableau-instantanes tbody tr').count();

      // Upload, follow the progress, read the report.
      const upload = async (file, shotName) => {
        await page.setInputFiles('#fichier-rpps', file);
        const [answer] = await Promise.all([
          page.waitForResponse((r) => r.url().includes('/api/v1/rpps/imports?nom=') && r.request().method() === 'POST'),
          page.click('#bouton-import-rpps'),
        ]);
        // (Chromium does not keep the answer's body of a request this large: the page shows it.)
        if (answer.status() !== 202) fail(`upload answered ${answer.status()}`);
        await page.waitForSelector('#suivi-import:not([hidden])');
        if (await page.getAttribute('#progression-envoi', 'value') !== '100') fail('sending progress not at 100 %');
        if (!(await text(page, '#envoi-texte')).match(/^Fichier reçu : import n° \d+ lancé\.$/)) fail('sending not confirmed');
        await page.waitForSelector('#lien-rapport-import', { timeout: 120000 });
        const id = (await page.getAttribute('#lien-rapport-import', 'href')).match(/(\d+)$/)[1];
        const job = await (await page.request.get(`${base}/api/v1/rpps/imports/${id}`)).json();
        if (job.octets_total !== fs.statSync(file).size) fail(`size seen by the server: ${job.octets_total}`);
        if (job.octets_lus !== job.octets_total) fail('bytes read short of the total');
        const state = await text(page, '#import-etat');
        if (!state.startsWith('terminé — 100 %')) fail(`import state: ${state}`);
        if (await page.getAttribute('#progression-import', 'value') !== '100') fail('import progress not at 100 %');
        if (!(await text(page, '#import-fichier')).includes(path.basename(file))) fail('file name not shown');
        await shot(page, `rpps-${shotName}-progression`, { fullPage: true });
        await Promise.all([page.waitForURL(`${base}/rpps/imports/${job.id}`), page.click('#lien-rapport-import')]);
        if ((await text(page, '#import-fichier-nom')) !== path.basename(file)) fail('report: file name');
        if (!(await text(page, '#import-statut')).startsWith('terminé')) fail('report: status');
        await shot(page, `rpps-${shotName}-rapport`, { fullPage: true });
        return job.id;
      };

      await upload(older, 'ancien');
      const lines = Number(await text(page, '#rapport-lignes'));
      const wc = fs.readFileSync(older, 'utf8').split('\n').filter((l) => l.length > 0).length - 1;
      if (lines !== wc) fail(`report: ${lines} lines, the file has ${wc}`);
      if (Number(await text(page, '#rapport-erreurs')) !== 0) fail('report: bad lines in the first extract');
      if (await page.locator('#aucune-erreur').count() !== 1) fail('report: no « aucune ligne en erreur »');

      await page.goto(`${base}/rpps`);
      await upload(newer, 'nouveau');
      if (Number(await text(page, '#rapport-erreurs')) !== 5) fail('report: not 5 bad lines');
      const bad = page.locator('#premieres-erreurs tbody tr');
      if (await bad.count() !== 5) fail(`report: ${await bad.count()} bad lines listed`);
      const newerLines = fs.readFileSync(newer, 'utf8').split('\n');
      for (let i = 0; i < 5; ++i) {
        const n = Number(await text(page, `#premieres-erreurs tbody tr:nth-child(${i + 1}) td:first-child`));
        if (!(n > 1 && n <= newerLines.length)) fail(`bad line number ${n}`);
      }
      if (await page.locator('#erreurs-par-raison tbody tr').count() < 1) fail('report: no reasons');

      // The snapshot list has both, then the changes between them for the Ardennes.
      await page.goto(`${base}/rpps`);
      const rows = page.locator('#tableau-instantanes tbody tr');
      if (await rows.count() !== before + 2) fail(`snapshots: ${await rows.count()} rows, expected ${before + 2}`);
      const list = await (await page.request.get(`${base}/api/v1/rpps/snapshots`)).json();
      const oldId = list.instantanes.find((s) => s.fichier === path.basename(older)).id;
      const newId = list.instantanes.find((s) => s.fichier === path.basename(newer)).id;
      await Promise.all([page.waitForURL(`${base}/rpps/evolutions`), page.click('#lien-evolutions')]);
      await page.selectOption('#evolutions-ancien', String(oldId));
      await page.selectOption('#evolutions-nouveau', String(newId));
      await page.selectOption('#evolutions-departement', '08');
      await Promise.all([page.waitForURL(/\/rpps\/evolutions\?/), page.click('#form-evolutions button[type=submit]')]);
      const api = await (await page.request.get(
        `${base}/api/v1/rpps/changes?ancien=${oldId}&nouveau=${newId}&departement=08`)).json();
      if (!(api.arrivees > 0 && api.departs > 0)) fail(`two vintages should differ: ${JSON.stringify(api).slice(0, 200)}`);
      if (Number(await text(page, '#total-arrivees')) !== api.arrivees) fail('arrivals differ from the API');
      if (Number(await text(page, '#total-departs')) !== api.departs) fail('departures differ from the API');
      if (!(await text(page, '#titre-resultat')).includes('Ardennes (08)')) fail('territory not named');
      if (await page.locator('#tableau-par-commune tbody tr').count() !== api.par_commune.length) fail('counts per commune');
      if (await page.locator('#tableau-personnes tbody tr').count() !== api.personnes.length) fail('people listed');
      await shot(page, 'rpps-evolutions', { fullPage: true });

      // The CSV: one line per person and commune, semicolons, BOM.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-evolutions')]);
      const file = path.join(root, 'test-output', 'rpps-evolutions-08.csv');
      await download.saveAs(file);
      const csv = fs.readFileSync(file, 'utf8');
      if (!csv.startsWith('\uFEFFmouvement;commune;commune_nom;profession;')) fail(`CSV header: ${csv.slice(0, 80)}`);
      const csvLines = csv.split('\r\n').filter((l) => l.length > 0);
      const expected = api.personnes.reduce((n, p) => n + p.communes.length, 0);
      if (csvLines.length !== expected + 1) fail(`CSV: ${csvLines.length - 1} lines, expected ${expected}`);
      const arrivals = csvLines.filter((l) => l.startsWith('arrivée;')).length;
      const byCommune = api.par_commune.reduce((n, c) => n + c.arrivees, 0);
      if (arrivals !== byCommune) fail(`CSV arrivals ${arrivals} vs counts per commune ${byCommune}`);
      for (let i = problems.length - 1; i >= 0; --i) {
        if (problems[i].includes('evolutions.csv')) problems.splice(i, 1);
      }
    }, { env: { MAILLAGE_UPLOAD_DIR: uploads } });
  } finally {
    fs.rmSync(uploads, { recursive: true, force: true });
  }
}

run(main);
