// Browser test of the projet de santé pre-draft, from an empty draft to a downloaded document
// (demo, real référentiel): the coordinator of the demo CPTS opens the draft from the navigation,
// writes the porteurs' text at a prompt (saved, version 1), a second tab still holding the empty
// version conflicts instead of overwriting, an optional mission is added (its prompts appear), a
// comment is left on a chapter,
// then the DOCX is downloaded and read back by python-docx (tests/office/read_back.py) with the
// text typed and the territory's figures in it; the printable page shows the map.
// Screenshots in test-output/projet-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/projet_sante.mjs
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fail, root, run, withDemoServer } from './lib/harness.mjs';

const COORDINATOR = 'coordination@demo.maillage.fr';
const TEXT = 'Six médecins généralistes et deux infirmières ont lancé la démarche en 2024.';

run(() => withDemoServer('projet', async ({ newPage, signIn, shot, problems }) => {
  const page = await newPage();
  await signIn(page, COORDINATOR, '/');
  const link = page.locator('.navigation a', { hasText: 'Projet de santé' });
  await Promise.all([page.waitForURL(/\/structures\/\d+\/projet-de-sante$/), link.click()]);
  const draftUrl = page.url();

  // An empty draft: every prompt at version 0, the chapters of the national template.
  const zone = 'form.zone[data-zone="porteurs"]';
  if (await page.getAttribute(zone, 'data-version') !== '0') fail('the draft is not empty');
  const chapters = await page.locator('section.chapitre').count();
  if (chapters !== 10) fail(`expected 10 chapters, found ${chapters}`);
  const population = await page.textContent('#chapitre-territoire');
  if (!/Population\s*:\s*[\d\u202f ]+ habitants/.test(population)) fail(`territory: ${population.slice(0, 300)}`);
  // The association's data (demo statuts, members, working groups) and the two demo RPPS
  // extracts fill the governance, working-group and evolution blocks.
  const governance = await page.textContent('#chapitre-gouvernance');
  if (!governance.includes('Droit de vote') || !/Président\(e\)/.test(governance)) fail(`governance: ${governance.slice(0, 400)}`);
  if (!/Membres actifs\s*:\s*\d/.test(governance)) fail(`members: ${governance.slice(0, 400)}`);
  const groups = await page.textContent('#chapitre-groupes');
  if (!groups.includes('Mission de l\'ACI') || groups.includes('Aucun groupe de travail')) fail(`working groups: ${groups.slice(0, 400)}`);
  const diagnostic = await page.textContent('#chapitre-diagnostic');
  if (!diagnostic.includes('Arrivées') || !diagnostic.includes('Départs')) fail(`evolution: ${diagnostic.slice(0, 600)}`);

  // A second tab opened now holds version 0 of the same text.
  const other = await newPage();
  await signIn(other, COORDINATOR, new URL(draftUrl).pathname);

  await page.fill('#zone-porteurs', TEXT);
  await page.click(`${zone} button[type=submit]`);
  await page.waitForSelector(`${zone}[data-etat="enregistre"][data-version="1"]`);

  await other.fill('#zone-porteurs', 'Texte écrit sur une version périmée.');
  await other.click(`${zone} button[type=submit]`);
  await other.waitForSelector(`${zone}[data-etat="conflit"]`);
  const conflict = await other.textContent(`${zone} .etat`);
  if (!conflict.includes('modifié par quelqu')) fail(`conflict message: ${conflict}`);
  // Chromium logs the expected 409 answer as a console error: that one, and only it, is fine.
  const expected = problems.findIndex((p) => p.includes('status of 409'));
  if (expected < 0) fail('the 409 answer of the conflict was not seen');
  problems.splice(expected, 1);
  await shot(other, 'projet-conflit');
  await other.close();

  // An optional mission: its prompts appear after the reload.
  await page.check('#choix-missions input[value="qualite"]');
  await Promise.all([page.waitForLoadState('load'), page.click('#choix-missions button[type=submit]')]);
  await page.waitForSelector('form.zone[data-zone="mission.qualite.actions"]');
  if (await page.inputValue('#zone-porteurs') !== TEXT) fail('the saved text was not shown again');
  await shot(page, 'projet-brouillon', { fullPage: false });

  // A comment on the diagnostic chapter, shown under it after the reload.
  await page.fill('form.commenter[data-chapitre="diagnostic"] textarea', 'Ajouter les chiffres Rézone.');
  await Promise.all([page.waitForLoadState('load'),
    page.click('form.commenter[data-chapitre="diagnostic"] button[type=submit]')]);
  await page.waitForSelector('#chapitre-diagnostic .commentaires li');
  const remark = await page.textContent('#chapitre-diagnostic .commentaires');
  if (!remark.includes('Ajouter les chiffres Rézone.')) fail(`comment: ${remark}`);

  // Download the DOCX and read it back with python-docx.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#telecharger-docx')]);
  const file = path.join(root, 'test-output', 'projet-telecharge.docx');
  await download.saveAs(file);
  if (!download.suggestedFilename().endsWith('.docx')) fail(`file name ${download.suggestedFilename()}`);
  const python = process.env.MAILLAGE_PYTHON || '/usr/bin/python3';
  const read = spawnSync(python, [path.join(root, 'tests', 'office', 'read_back.py'), 'docx', file],
    { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (read.status !== 0) fail(`read_back.py: ${read.stderr}`);
  const doc = JSON.parse(read.stdout);
  const texts = doc.blocks.map((b) => b.text || (b.runs || []).map((r) => r[0]).join('')
    || (b.rows || []).map((row) => row.join(' | ')).join('\n'));
  const all = texts.join('\n');
  if (!all.includes(TEXT)) fail('the DOCX does not carry the text typed');
  if (!all.includes('Développement de la qualité et de la pertinence des soins (mission optionnelle)')) {
    fail('the DOCX does not carry the optional mission');
  }
  if (!/Médecins généralistes \| \d+/.test(all)) fail('the DOCX has no professionals table');
  if (!all.includes('Membre | Profession | Commune d\'exercice | Collège')) fail('the DOCX has no members annex');
  if (!doc.blocks.some((b) => b.kind === 'image' && b.png.width === 1200)) fail('no map in the DOCX');
  if (!doc.footer.fields.includes('PAGE')) fail('no page numbers in the DOCX');
  fs.rmSync(file);

  // The printable page, with the map drawn by Maillage.
  await page.goto(`${draftUrl}/imprimer`);
  await page.waitForSelector('#document figure img');
  const width = await page.$eval('#document figure img', (img) => img.complete && img.naturalWidth);
  if (width !== 1200) fail(`map on the printable page: ${width}`);
  if (!(await page.textContent('#document')).includes(TEXT)) fail('printable page without the text');
  await shot(page, 'projet-imprimable');
}));
