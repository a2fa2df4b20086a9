// Browser test of the dialogue de gestion: on the demo CPTS's ACI contract (loaded by
// `maillage demo load`), the coordinator enters a measured value and comments an indicator; the
// Moselle ROC comments, records an agreed change (a new version of the indicators, history kept),
// proposes a population adjustment and reads both targets side by side, then opens the dossier
// (HTML, and the ODT download). Screenshots in test-output/dialogue-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/dialogue.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const COORD = 'coordination@demo.maillage.fr';
const ROC = 'roc1.moselle@demo.maillage.fr';

async function submitAndReload(page, form) {
  await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()]);
  const error = page.locator('.erreur:not([hidden])');
  if (await error.count()) fail(`the form answered an error: ${await error.first().textContent()}`);
}

run(() => withDemoServer('dialogue', async ({ base, newPage, signIn, shot, demoOutput }) => {
  const m = demoOutput.match(/\/aci\/contrats\/(\d+)\/dialogue\/2/);
  if (!m) fail(`demo load did not report the ACI contract:\n${demoOutput}`);
  const contract = m[1];
  const dialogue = `/aci/contrats/${contract}/dialogue/2`;

  // --- The coordinator: contract list, then the workspace of year 2.
  const coord = await newPage();
  await signIn(coord, COORD, '/aci');
  const link = coord.locator(`#liste-contrats a[href="/aci/contrats/${contract}"]`);
  if ((await link.count()) !== 1) fail('the coordinator does not see the demo contract in /aci');
  await Promise.all([coord.waitForURL(`${base}/aci/contrats/${contract}`), link.click()]);
  if (!(await coord.locator('.non-verifiee').count())) fail('the contract page marks no unverified rule value');
  await shot(coord, 'dialogue-contrat', { fullPage: true });
  await coord.goto(`${base}${dialogue}`);

  const sas = coord.locator('#indicateur-acces_soins-medecins_sas');
  if ((await sas.count()) !== 1) fail('no SAS indicator on the sheet of year 2');
  if (!(await sas.locator('.mesure').textContent()).includes('non mesuré')) fail('SAS already measured in year 2');
  // A value that is not a number: the error sits next to the field, in French, without the
  // API's JSON path, and nothing is sent.
  await sas.locator('input.saisie-mesure').fill('douze');
  await sas.locator('form[data-form=measure] button[type=submit]').click();
  const fieldError = sas.locator('.erreur-champ');
  await fieldError.waitFor({ timeout: 5000 });
  const fieldText = await fieldError.textContent();
  if (!fieldText.includes('Valeur mesurée') || fieldText.includes('$')) fail(`field error reads "${fieldText}"`);
  if ((await sas.locator('input.saisie-mesure').getAttribute('aria-invalid')) !== 'true') fail('the field is not marked invalid');
  await sas.locator('input.saisie-mesure').fill('16');
  await submitAndReload(coord, sas.locator('form[data-form=measure]'));
  const saved = coord.locator('p.succes[role=status]');
  if (!(await saved.count()) || !(await saved.textContent()).includes('enregistrée')) fail('the save was not confirmed');
  const measured = (await coord.locator('#indicateur-acces_soins-medecins_sas .mesure').textContent()).trim();
  if (measured !== '16') fail(`measured value shows "${measured}"`);
  const rate = (await coord.locator('#indicateur-acces_soins-medecins_sas .taux').textContent()).trim();
  if (rate === '0 %') fail('the achievement did not move after the measured value');

  await coord.locator('#indicateur-acces_soins-medecins_sas input.saisie-commentaire')
    .fill('16 médecins régulés au SAS sur l\'année (données fictives).');
  await submitAndReload(coord, coord.locator('#indicateur-acces_soins-medecins_sas form[data-form=comment]'));
  const coordComments = await coord.locator('#indicateur-acces_soins-medecins_sas .commentaire').count();
  if (coordComments < 2) fail(`expected the demo comment and the new one, found ${coordComments}`);
  // The coordinator cannot record an agreed change (the form is the ROC's).
  if (await coord.locator('#form-modification').count()) fail('the coordinator sees the agreed-change form');
  await shot(coord, 'dialogue-coordination', { fullPage: true });

  // --- The ROC: comment, agreed change, adjustment.
  const roc = await newPage();
  await signIn(roc, ROC, dialogue);
  const rocComment = roc.locator('#indicateur-acces_soins-medecins_sas .commentaire', { hasText: '16 médecins' });
  if ((await rocComment.count()) !== 1) fail('the ROC does not see the coordinator\'s comment');
  await roc.locator('#indicateur-acces_soins-medecins_sas input.saisie-commentaire')
    .fill('Cible à revoir compte tenu des deux départs.');
  await submitAndReload(roc, roc.locator('#indicateur-acces_soins-medecins_sas form[data-form=comment]'));

  if ((await roc.textContent('#version-indicateurs')).trim() !== '1') fail('the demo should start at version 1');
  const agree = roc.locator('#form-modification');
  await agree.locator('select[name=target]').selectOption('acces_soins/medecins_sas');
  await agree.locator('input[name=target_year]').fill('2');
  await agree.locator('input[name=paliers]').fill('18');
  await agree.locator('input[name=reason]').fill('Départs de deux médecins régulateurs (avenant de dialogue)');
  await submitAndReload(roc, agree);
  if ((await roc.textContent('#version-indicateurs')).trim() !== '2') fail('no new indicator version');
  const versions = await roc.locator('#liste-versions li.version').count();
  if (versions !== 2) fail(`expected versions 2 and 1 in the history, found ${versions}`);
  const history = await roc.textContent('#liste-versions');
  if (!history.includes('20 → 18')) fail(`the history does not show the change 20 → 18: ${history}`);
  const targets = (await roc.locator('#indicateur-acces_soins-medecins_sas .cibles').textContent()).trim();
  if (targets !== '18') fail(`the sheet shows targets "${targets}" after the agreed change`);

  const adjust = roc.locator('#form-ajustement');
  await adjust.locator('select[name=target]').selectOption('acces_soins/patients_sans_mt_orientes');
  await adjust.locator('select[name=fact]').selectOption('population');
  await adjust.locator('input[name=rationale]').fill('Population du territoire en baisse depuis la signature');
  await submitAndReload(roc, adjust);
  const comparison = roc.locator('.ajustement table.comparaison').first();
  await comparison.waitFor({ timeout: 10000 });
  const original = (await comparison.locator('td.original').textContent()).trim();
  const adjusted = (await comparison.locator('td.ajustee').textContent()).trim();
  if (!original.endsWith('€') || !adjusted.endsWith('€')) fail(`variable parts "${original}" / "${adjusted}"`);
  // Demo scenario: 580 patients oriented against paliers 300 ; 600 — with the population drop the
  // final palier is reached, so the adjusted reading pays more.
  const euros = (t) => Number(t.replace(/[^\d,]/g, '').replace(',', '.'));
  if (!(euros(adjusted) > euros(original))) fail(`adjusted ${adjusted} is not above original ${original}`);
  // GPs from the two RPPS snapshots of the demo (values left blank: read from the RPPS).
  await adjust.locator('select[name=target]').selectOption('acces_soins/medecins_sas');
  await adjust.locator('select[name=fact]').selectOption('medecins_generalistes');
  await adjust.locator('input[name=rationale]').fill('Évolution des médecins généralistes (RPPS)');
  await submitAndReload(roc, adjust);
  const gp = roc.locator('.ajustement h3', { hasText: 'RPPS' });
  if ((await gp.count()) !== 1) fail('no GP adjustment read from the RPPS snapshots');
  await roc.locator('#bloc-ajustements').scrollIntoViewIfNeeded();
  await shot(roc, 'dialogue-ajustement');
  await shot(roc, 'dialogue-roc', { fullPage: true });

  // --- The dossier.
  await Promise.all([roc.waitForURL(`${base}${dialogue}/dossier`), roc.click('#lien-dossier')]);
  const dossier = await roc.textContent('#dossier');
  for (const part of ['Fiche d\'indicateurs', 'Échéancier des versements', 'Budget par enveloppe',
    'Ajustements contextuels', 'Modifications convenues', 'Compte rendu',
    'Départs de deux médecins régulateurs', 'Cible à revoir']) {
    if (!dossier.includes(part)) fail(`the dossier lacks "${part}"`);
  }
  await shot(roc, 'dialogue-dossier', { fullPage: true });
  await roc.emulateMedia({ media: 'print' });
  if (await roc.locator('header.entete').isVisible()) fail('the print view still shows the header');
  await shot(roc, 'dialogue-dossier-impression', { fullPage: true });
  const odt = await roc.request.get(`${base}${dialogue}/dossier.odt`);
  if (odt.status() !== 200) fail(`ODT dossier: status ${odt.status()}`);
  if (odt.headers()['content-type'] !== 'application/vnd.oasis.opendocument.text') fail('ODT content type');
  const bytes = await odt.body();
  if (bytes.subarray(0, 2).toString() !== 'PK') fail('the ODT is not a zip package');

  console.log(`browser test passed: contract ${contract}, measured value, comments from both sides, ` +
    `indicator version 2 (20 → 18), adjustment ${original} → ${adjusted}, dossier HTML and ODT ` +
    `(${bytes.length} bytes); screenshots in test-output/dialogue-*.png`);
}));
