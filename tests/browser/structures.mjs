// Browser test of the structure and contract forms, from the ROC's portfolio of Moselle (demo,
// real référentiel): a CPTS that already exists in the field is created at "ACI en négociation"
// with its date (a bad SIRET first comes back next to its field with what was typed); creating it
// a second time warns of the duplicate; its fiche is edited while a second tab holds an older
// version, which then conflicts instead of overwriting; its ACI contract is created from the page
// (a wrong size is refused on its field), which records "ACI signé" on the signature date; the
// journal shows the fiche's change with its before/after, and exports it. Archiving: refused
// without a reason (next to its field) and while the contract runs; after the dissolution the
// CPTS leaves the portfolio for its archive page, its fiche turns read-only, and it comes back.
// Screenshots in test-output/structures-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/structures.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const ROC = 'roc1.moselle@demo.maillage.fr';
const NAME = 'CPTS du Saulnois (fictive, test navigateur)';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

run(() => withDemoServer('structures', async ({ base, newPage, signIn, shot, problems }) => {
  const page = await newPage();
  await signIn(page, ROC, '/portefeuille/57');
  await Promise.all([page.waitForURL(/\/structures\/nouvelle/), page.click('#registre-nouvelle')]);

  // A bad SIRET: refused next to its field, everything typed is still there.
  await page.selectOption('#type', 'CPTS');
  await page.fill('#nom', NAME);
  await page.fill('#siret', '12345678901234');
  await page.fill('#commune', 'Château-Salins');
  await page.fill('#contact_courriel', 'coordination.saulnois@example.org');
  await page.selectOption('#etape_depart', 'aci_negociation');
  await page.fill('#date_depart', '2026-09-01');
  await Promise.all([page.waitForLoadState('load'), page.click('#structure-formulaire button[type=submit]')]);
  const siretError = await text(page, '#erreur-siret');
  if (!siretError.includes('SIRET')) fail(`SIRET error: ${siretError}`);
  if (await page.inputValue('#nom') !== NAME) fail('the name typed was lost');
  if (await page.inputValue('#etape_depart') !== 'aci_negociation') fail('the starting stage was lost');
  await shot(page, 'structures-erreur-siret', { fullPage: true });

  await page.fill('#siret', '');
  await Promise.all([page.waitForURL(/\/structures\/\d+\?message=/), page.click('#structure-formulaire button[type=submit]')]);
  const structureUrl = page.url().replace(/\?.*$/, '');
  const id = structureUrl.match(/\/structures\/(\d+)$/)[1];
  const stage = await page.getAttribute('#registre-etape-courante', 'data-etape');
  if (stage !== 'aci_negociation') fail(`the new CPTS is at ${stage}`);
  const history = await page.locator('#registre-historique tbody tr').count();
  if (history !== 7) fail(`expected the 7 steps taken over, the history has ${history}`);
  const siege = await text(page, '.fiche');
  if (!siege.includes('Château-Salins (57132)')) fail(`head office: ${siege}`);

  // The same name again: the possible duplicate is shown and must be confirmed.
  await page.goto(`${base}/structures/nouvelle?departement=57`);
  await page.fill('#nom', NAME.toUpperCase());
  await Promise.all([page.waitForLoadState('load'), page.click('#structure-formulaire button[type=submit]')]);
  const dup = await text(page, '#structure-doublons');
  if (!dup.includes(NAME)) fail(`duplicate warning: ${dup}`);
  await shot(page, 'structures-doublon', { fullPage: true });

  // Edit the fiche in two tabs: the second save, made on the older version, conflicts.
  const other = await newPage();
  await signIn(other, ROC, `/structures/${id}/modifier`);
  await page.goto(`${base}/structures/${id}/modifier`);
  await page.fill('#contact_nom', 'Dr Martin (fictif)');
  await Promise.all([page.waitForURL(/message=/), page.click('#structure-formulaire button[type=submit]')]);
  if (!(await text(page, '.fiche')).includes('Dr Martin (fictif)')) fail('the edit is not on the fiche');
  await other.fill('#contact_nom', 'Mme Durand (fictive)');
  await Promise.all([other.waitForLoadState('load'), other.click('#structure-formulaire button[type=submit]')]);
  const conflict = await text(other, '#structure-conflit');
  if (!conflict.includes('Dr Martin (fictif)')) fail(`conflict panel: ${conflict}`);
  if (await other.inputValue('#contact_nom') !== 'Mme Durand (fictive)') fail('the conflicting input was lost');
  await shot(other, 'structures-conflit', { fullPage: true });
  await page.reload();
  if (!(await text(page, '.fiche')).includes('Dr Martin (fictif)')) fail('the conflict overwrote the first edit');

  // "ACI signé" is the contract's: the structure page links to the contract form.
  await page.goto(structureUrl);
  await Promise.all([page.waitForURL(/\/aci\/contrats\/nouveau\?structure=/), page.click('#registre-autres-etapes a')]);
  await page.fill('#signature', '2026-11-15');
  await page.selectOption('#size_class', 'T4');
  await page.fill('#population', '30000');
  await page.check('input[name=mission][value=qualite]');
  await Promise.all([page.waitForLoadState('load'), page.click('#aci-formulaire button[type=submit]')]);
  const sizeError = await text(page, '#erreur-size_class');
  if (!sizeError.includes('T4')) fail(`size error: ${sizeError}`);
  if (!(await page.isChecked('input[name=mission][value=qualite]'))) fail('the chosen mission was lost');
  await shot(page, 'structures-contrat-erreur', { fullPage: true });
  await page.selectOption('#size_class', 'T1');
  await Promise.all([page.waitForURL(/\/aci\/contrats\/\d+\?message=/), page.click('#aci-formulaire button[type=submit]')]);
  const message = await text(page, '#aci-message');
  if (!message.includes('ACI signé')) fail(`contract message: ${message}`);
  await shot(page, 'structures-contrat', { fullPage: true });

  await page.goto(structureUrl);
  const after = await page.getAttribute('#registre-etape-courante', 'data-etape');
  if (after !== 'aci_signe') fail(`after the contract the stage is ${after}`);
  const since = await text(page, '.chapo');
  if (!since.includes('15/11/2026')) fail(`stage date: ${since}`);
  await shot(page, 'structures-apres-contrat', { fullPage: true });

  // The journal (audit log) shows who changed the fiche, with the before/after of the contact,
  // and exports the same rows.
  await Promise.all([page.waitForURL(/\/journal/), page.click('nav a[href="/journal"]')]);
  await page.fill('#journal-structure', id);
  await page.selectOption('#journal-action', 'structure.update');
  await Promise.all([page.waitForURL(/structure=/), page.click('#journal-filtres button[type=submit]')]);
  const row = page.locator('#journal-lignes tbody tr[data-id]').last();
  if (!(await row.textContent()).includes(ROC)) fail('the journal does not name the author');
  await row.locator('summary').click();
  const change = (await row.locator('tr.change', { hasText: 'contact_name' }).textContent()).replace(/\s+/g, ' ');
  if (!change.includes('Dr Martin (fictif)')) fail(`journal before/after: ${change}`);
  await shot(page, 'structures-journal', { fullPage: true });
  const csv = await page.evaluate(async (href) => (await fetch(href)).text(),
    await page.getAttribute('#journal-export', 'href'));
  if (!csv.includes('structure.update') || !csv.includes('Dr Martin (fictif)')) fail('journal CSV export');

  // Archiving: a reason is required, and a CPTS under contract must first record its end.
  await page.goto(structureUrl);
  await page.click('#registre-archiver >> xpath=ancestor::details/summary');
  await page.click('#registre-archiver button[type=submit]');
  const noReason = await text(page, '#erreur-registre-archiver-motif');
  if (!noReason.includes('Motif')) fail(`archive without a reason: ${noReason}`);
  await page.fill('#registre-archiver textarea[name=motif]', 'Association dissoute (test navigateur)');
  await page.click('#registre-archiver button[type=submit]');
  await page.locator('#registre-archiver .registre-etat', { hasText: 'contrat ACI' }).waitFor();
  // The two refusals above are answers the page expected (400, then 409), not faults.
  for (const status of ['status of 400', 'status of 409']) {
    const at = problems.findIndex((p) => p.includes(status));
    if (at < 0) fail(`expected a refused request (${status}), got: ${problems.join(' ; ')}`);
    problems.splice(at, 1);
  }
  page.once('dialog', (d) => d.accept());
  await Promise.all([page.waitForURL(/message=/), page.click('#registre-transition button[value="dissoudre"]')]);
  await page.click('#registre-archiver >> xpath=ancestor::details/summary');
  await page.fill('#registre-archiver textarea[name=motif]', 'Association dissoute (test navigateur)');
  await Promise.all([page.waitForEvent('load'), page.click('#registre-archiver button[type=submit]')]);
  const banner = await text(page, '#registre-archivee');
  if (!banner.includes('Association dissoute (test navigateur)') || !banner.includes(ROC)) fail(`archive banner: ${banner}`);
  if (await page.locator('#registre-modifier, #registre-transition, #registre-document').count() !== 0) {
    fail('an archived fiche still offers its forms');
  }
  await shot(page, 'structures-archivee', { fullPage: true });
  await page.goto(`${base}/portefeuille/57`);
  if ((await page.textContent('#registre-structures')).includes(NAME)) fail('the archived CPTS is still in the portfolio');
  await Promise.all([page.waitForURL(/\/archives$/), page.click('#registre-lien-archives')]);
  const archives = await text(page, '#registre-archives');
  if (!archives.includes(NAME) || !archives.includes('Dissoute')) fail(`archive page: ${archives}`);
  await shot(page, 'structures-archives', { fullPage: true });
  // Brought back: in the portfolio again.
  await Promise.all([page.waitForURL(/\/structures\/\d+$/), page.click(`#registre-archives a:has-text("${NAME}")`)]);
  await Promise.all([page.waitForEvent('load'), page.click('#registre-desarchiver button[type=submit]')]);
  if (await page.locator('#registre-archivee').count() !== 0) fail('still archived after « Sortir des archives »');
  await page.goto(`${base}/portefeuille/57`);
  if (!(await page.textContent('#registre-structures')).includes(NAME)) fail('the restored CPTS is not back in the portfolio');

  console.log(`browser test passed: CPTS ${id} created at "ACI en négociation", duplicate warned, ` +
    'conflicting edit refused, contract created from the page (stage "ACI signé"), archived after its dissolution and brought back; screenshots in test-output/');
}));
