// Browser test of the sectors area: as the Moselle ROC, the demo's two computed sectors on the map
// with their referents; "Qui est mon ROC ?" answering from them; a three-sector computation in the
// background; a hand move checked live; saving it as version 2 (checked through the API); the
// portfolio's "Mon secteur" filter and the home page's deadlines of the structures the referent
// follows; the read-only page of the ARS. Screenshots in test-output/.
//
//   MAILLAGE_BIN=build/<dir>/tools/maillage/maillage MAILLAGE_REFERENCE=var/reference.sqlite \
//     node tests/browser/sectors.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const ROC = 'roc1.moselle@demo.maillage.fr';
const ARS = 'ars.grand-est@demo.maillage.fr';

run(() => withDemoServer('sectors', async ({ base, newPage, signIn, shot }) => {
  const page = await newPage();
  await signIn(page, ROC, '/secteurs/57');
  await page.waitForSelector('#carte-secteurs[data-etat="pret"]', { timeout: 60000 });
  const cells = await page.locator('#carte-secteurs path[data-code]').count();
  if (cells < 500) fail(`expected the ~725 communes of Moselle, found ${cells} cells`);
  const one = await page.locator('#carte-secteurs path[data-secteur="1"]').count();
  const two = await page.locator('#carte-secteurs path[data-secteur="2"]').count();
  if (one === 0 || two === 0 || one + two !== cells) fail(`demo sectors: ${one} + ${two} of ${cells} communes`);
  // The list alternative beside the map gives every commune its sector.
  const listedOne = await page.locator('.liste-communes li', { hasText: '— 1. ' }).count();
  const listedTwo = await page.locator('.liste-communes li', { hasText: '— 2. ' }).count();
  if (listedOne !== one || listedTwo !== two) fail(`the list: ${listedOne} + ${listedTwo}, the map ${one} + ${two}`);
  const table = await page.textContent('#tableau-secteurs');
  for (const text of ['Moselle centre-nord', 'Moselle est', 'Moselle 1', 'Moselle 2']) {
    if (!table.includes(text)) fail(`sector table lacks "${text}": ${table}`);
  }
  if (!(await page.textContent('#resume-secteurs')).includes('version 1')) fail('the demo plan is not version 1');

  // The alerts this referent receives follow the demo sectors: on the home page, the deadlines of
  // the structures of "Mon secteur" come under their own heading, the others after.
  await page.goto(`${base}/portefeuille/57?secteur=mien`);
  const followed = new Set(await page.locator('#registre-structures tbody tr td:first-child a').allTextContents());
  await page.goto(`${base}/`);
  const mineAlerts = await page.locator('#accueil-mes-echeances li a').allTextContents();
  const otherAlerts = await page.locator('#accueil-echeances li a').allTextContents();
  if (mineAlerts.length === 0) fail('no deadline under "Échéances des structures que vous suivez"');
  for (const name of mineAlerts) if (!followed.has(name)) fail(`"${name}" is not followed but listed as followed`);
  for (const name of otherAlerts) if (followed.has(name)) fail(`"${name}" is followed but listed with the others`);
  // (In the demo each Moselle ROC is the other's deputy, so roc1 follows every structure.)
  await page.goto(`${base}/secteurs/57`);
  await page.waitForSelector('#carte-secteurs[data-etat="pret"]', { timeout: 60000 });
  await shot(page, 'secteurs-57');

  // "Qui est mon ROC ?" answers from the saved sectors.
  const who = await newPage();
  await signIn(who, ROC, '/qui-est-mon-roc?commune=Metz');
  const answer = await who.textContent('main');
  if (!answer.includes('secteur « Moselle centre-nord »')) fail(`Qui est mon ROC: ${answer}`);
  // Homonyms: the communes named exactly "Saint-Julien" are offered with their département.
  await who.goto(`${base}/qui-est-mon-roc?commune=Saint-Julien`);
  if ((await who.locator('#registre-referents').count()) !== 0) fail('"Saint-Julien" answered one commune silently');
  const homonyms = await who.locator('ul.resultats li').allTextContents();
  if (homonyms.length < 2 || !homonyms.every((t) => t.startsWith('Saint-Julien '))) {
    fail(`homonyms of Saint-Julien: ${JSON.stringify(homonyms)}`);
  }

  // Three sectors, computed in the background.
  await page.fill('#nombre-secteurs', '3');
  await page.fill('#poids-population', '1');
  await page.fill('#poids-structures', '0');
  await page.fill('#tolerance', '25');
  await page.fill('#duree', '30');
  await page.click('#calculer-secteurs');
  await page.waitForSelector('#carte-secteurs[data-calcul="termine"], #carte-secteurs[data-calcul="echec"]',
    { timeout: 120000 });
  const outcome = await page.textContent('#avancement-secteurs');
  if ((await page.getAttribute('#carte-secteurs', 'data-calcul')) !== 'termine') fail(`computation: ${outcome}`);
  const rows = await page.locator('#tableau-secteurs tbody tr').count();
  if (rows !== 3) fail(`${rows} sector rows after computing 3`);
  if ((await page.locator('#carte-secteurs path[data-secteur="3"]').count()) === 0) fail('no commune in sector 3');
  await shot(page, 'secteurs-57-calcul');

  // A hand move: the first commune of sector 1 goes to sector 2; the live check answers.
  const checks = Number((await page.getAttribute('#carte-secteurs', 'data-verifications')) || 0);
  const code = await page.locator('#carte-secteurs path[data-secteur="1"]').first().getAttribute('data-code');
  await page.selectOption('#secteur-destination', '2');
  const cell = page.locator(`#carte-secteurs path[data-code="${code}"]`);
  await cell.scrollIntoViewIfNeeded();
  await cell.click({ force: true });
  await page.waitForSelector(`#carte-secteurs[data-verifications="${checks + 1}"]`, { timeout: 30000 });
  if ((await page.getAttribute(`#carte-secteurs path[data-code="${code}"]`, 'data-secteur')) !== '2') {
    fail(`${code} did not move to sector 2`);
  }
  // Back where it was, so that the saved plan is the computed one (valid by construction).
  await page.selectOption('#secteur-destination', '1');
  await cell.click({ force: true });
  await page.waitForSelector(`#carte-secteurs[data-verifications="${checks + 2}"]`, { timeout: 30000 });
  if ((await page.getAttribute('#carte-secteurs', 'data-valide')) !== '1') {
    fail(`the computed split, restored, is not valid: ${await page.textContent('#problemes-secteurs')}`);
  }

  await page.fill('#nom-secteur-1', 'Nord');
  await page.fill('#nom-secteur-2', 'Centre');
  await page.fill('#nom-secteur-3', 'Est');
  await page.fill('#note-secteurs', 'Essai du test navigateur');
  await Promise.all([page.waitForEvent('load'), page.click('#enregistrer-secteurs')]);
  await page.waitForSelector('#carte-secteurs[data-etat="pret"]', { timeout: 60000 });
  if (!(await page.textContent('#resume-secteurs')).includes('version 2')) fail('saving did not make version 2');
  const saved = await page.evaluate(async () => (await fetch('/api/v1/departements/57/sectors')).json());
  if (saved.plan.version !== 2 || saved.plan.nombre_secteurs !== 3) fail(`saved plan: ${JSON.stringify(saved.plan).slice(0, 200)}`);
  if (saved.historique.length !== 2) fail(`history has ${saved.historique.length} versions`);
  await shot(page, 'secteurs-57-enregistre');

  // The portfolio's "Mon secteur" filter.
  await page.goto(`${base}/portefeuille/57`);
  const all = await page.locator('#registre-structures tbody tr').count();
  await page.check('#filtre-secteur');
  await Promise.all([page.waitForURL(/secteur=mien/), page.click('#registre-filtres button[type=submit]')]);
  const mine = await page.locator('#registre-structures tbody tr').count();
  if (mine > all) fail(`"Mon secteur": ${mine} structures of ${all}`);

  // The ARS reads, without the computing form.
  const ars = await newPage();
  await signIn(ars, ARS, '/secteurs/57');
  await ars.waitForSelector('#carte-secteurs[data-etat="pret"]', { timeout: 60000 });
  if ((await ars.locator('#reglages-secteurs').count()) !== 0) fail('the ARS sees the computing form');

  console.log(`browser test passed: demo sectors ${one} + ${two} communes; 3 sectors computed (${outcome.trim()}); ` +
    `version 2 saved; "Mon secteur" ${mine} of ${all} structures; screenshots in test-output/`);
}));
