// Browser test of ACI contract changes and of MSP contracts, on the demo (`maillage demo load`):
// - the Moselle ROC creates the contract of the demo's active CPTS without one (T1 under the
//   2019 accord), edits it before any payment (signature date), sees a second editor refused with
//   a 409 and a French message, records the money received for the amorçage in the dialogue de
//   gestion, finds the edit page closed, records an avenant (T1 → T4 from 2025-06-01) and reads
//   the new amounts of the following year on the schedule page;
// - the ROC opens the demo MSP contract's workspace, enters an achievement rate and sees the
//   points and euros of the indicator recomputed (amounts computed by hand below).
// Screenshots in test-output/aci-contrats-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/aci_contrats.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const ROC = 'roc1.moselle@demo.maillage.fr';
const CPTS = 'CPTS du Bassin houiller (fictive)';

// Digits and the decimal comma only: amounts are written with typographic spaces.
const digits = (text) => String(text).replace(/[^0-9,]/g, '');

async function submitPage(page, form) {
  await Promise.all([page.waitForEvent('load'), form.locator('button[type=submit]').click()]);
}

run(() => withDemoServer('aci-contrats', async ({ base, newPage, signIn, shot, demoOutput, problems }) => {
  const roc = await newPage();
  await signIn(roc, ROC, '/portefeuille/57');

  // --- A new CPTS contract from the form (the structure's type decides the form): the demo's
  // active CPTS has none yet.
  const link = roc.locator('a', { hasText: CPTS });
  if ((await link.count()) < 1) fail(`${CPTS} is not in the Moselle portfolio`);
  const structure = (await link.first().getAttribute('href')).match(/(\d+)/)[1];
  await roc.goto(`${base}/aci/contrats/nouveau?structure=${structure}`);
  const form = roc.locator('#aci-formulaire');
  if (!(await form.count())) fail(`no contract form for ${CPTS}: ${await roc.locator('main').textContent()}`);
  await form.locator('#reference').fill('CPTS-57-BASSIN-TEST');
  await form.locator('#accord').selectOption('cpts-2019');
  await form.locator('#signature').fill('2024-01-15');
  await form.locator('#population').fill('');
  await form.locator('#size_class').selectOption('T1');
  await Promise.all([roc.waitForURL(/\/aci\/contrats\/\d+\?message=/), form.locator('button[type=submit]').click()]);
  const contract = roc.url().match(/\/aci\/contrats\/(\d+)/)[1];
  const contractPage = `${base}/aci/contrats/${contract}`;
  if (!(await roc.locator('#aci-modifier').count())) fail('no edit link on a contract without payment');

  // --- Edit before the first payment; a second editor on the same version gets a 409.
  const second = await newPage();
  await signIn(second, ROC, `/aci/contrats/${contract}/modifier`);
  await roc.goto(`${contractPage}/modifier`);
  await roc.locator('#signature').fill('2024-02-01');
  await Promise.all([roc.waitForURL(/\?message=/), roc.locator('#aci-modifier-formulaire button[type=submit]').click()]);
  const chapo = await roc.locator('.chapo').textContent();
  if (!chapo.includes('Version 2')) fail(`the contract did not move to version 2: ${chapo}`);
  await second.locator('#signature').fill('2024-03-01');
  const [answer] = await Promise.all([
    second.waitForResponse((r) => r.url().endsWith(`/aci/contrats/${contract}/modifier`) && r.request().method() === 'POST'),
    second.locator('#aci-modifier-formulaire button[type=submit]').click(),
  ]);
  await second.waitForLoadState('load');
  if (answer.status() !== 409) fail(`the second editor got ${answer.status()} instead of 409`);
  const conflict = await second.locator('#aci-erreur').textContent();
  if (!conflict.includes('modifié par quelqu\'un d\'autre')) fail(`conflict message reads "${conflict}"`);
  if ((await second.locator('#signature').inputValue()) !== '2024-03-01') fail('the typed date was lost');
  await shot(second, 'aci-contrats-conflit', { fullPage: true });
  // Chromium reports the expected 409 document as a console error: that one is not a problem.
  for (let i = problems.length - 1; i >= 0; i -= 1) {
    if (/409/.test(problems[i])) problems.splice(i, 1);
  }

  // --- A payment is recorded: the amorçage received, in the dialogue de gestion of year 1.
  await roc.goto(`${contractPage}/dialogue/1`);
  const budget = roc.locator('#budget form', { has: roc.locator('input[name=envelope][value=amorcage]') });
  if ((await budget.count()) !== 1) fail('no amorçage line in the budget of year 1');
  await budget.locator('input[name=received]').fill('50000');
  await submitPage(roc, budget);
  if (await roc.locator('.erreur:not([hidden])').count()) fail('the budget line was refused');
  await roc.goto(`${contractPage}/modifier`);
  if (!(await roc.locator('#aci-refus').count())) fail('the edit page is still open after a payment');
  await roc.goto(contractPage);
  if (await roc.locator('#aci-modifier').count()) fail('the edit link is still shown after a payment');

  // --- An avenant: T1 → T4 from 2025-06-01, in contract year 2 (2025-02-01 → 2026-02-01).
  const avenant = roc.locator('#aci-avenant');
  await avenant.locator('#from').fill('2025-06-01');
  await avenant.locator('#avenant_size_class').selectOption('T4');
  await avenant.locator('#reason').fill('Extension du territoire à 14 communes (fictif)');
  await Promise.all([roc.waitForURL(/#avenants$/), avenant.locator('button[type=submit]').click()]);
  const row = roc.locator('#aci-avenants tbody tr');
  if ((await row.count()) !== 1) fail('the avenant is not listed on the contract page');
  if (!(await row.first().textContent()).includes('T4')) fail('the avenant row does not show T4');
  await shot(roc, 'aci-contrats-avenant', { fullPage: true });

  // --- The schedule: by hand, cpts-2019 fonctionnement T1 50 000 € (year 2 began under T1:
  // advance 75 % = 37 500 €) and T4 90 000 € (year 3 begins on 2026-02-01 under T4: advance
  // 67 500 €, balance 22 500 €).
  await roc.goto(`${contractPage}/echeancier`);
  const lines = await roc.locator('#echeancier tbody tr').evaluateAll((trs) =>
    trs.map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim())));
  const fonct = (year, kind) => lines.find((c) => c[1] === String(year) && c[3] === kind && /onctionnement/.test(c[2]));
  const y2 = fonct(2, 'avance');
  const y3 = fonct(3, 'avance');
  const y3b = fonct(3, 'solde');
  if (!y2 || digits(y2[4]) !== '37500,00') fail(`year 2 fonctionnement advance: ${y2}`);
  if (!y3 || digits(y3[4]) !== '67500,00') fail(`year 3 fonctionnement advance: ${y3}`);
  if (!y3b || digits(y3b[4]) !== '22500,00') fail(`year 3 fonctionnement balance: ${y3b}`);
  await shot(roc, 'aci-contrats-echeancier', { fullPage: true });

  // --- The demo MSP: its workspace for the signature's year, one rate entered.
  const m = demoOutput.match(/ACI MSP : contrat .* signé le (\d{4}-\d{2}-\d{2}), mesures (\d{4}) : \/aci\/contrats\/(\d+)\/dialogue\/1/);
  if (!m) fail(`demo load did not report the MSP contract:\n${demoOutput}`);
  const [, signature, year, msp] = m;
  await roc.goto(`${base}/aci/contrats/${msp}`);
  const tab = roc.locator(`a.lien-dialogue[href="/aci/contrats/${msp}/dialogue/1"]`);
  if (!(await tab.textContent()).includes(year)) fail('the MSP contract page does not name its calendar year');
  await Promise.all([roc.waitForURL(`${base}/aci/contrats/${msp}/dialogue/1`), tab.click()]);
  if (!(await roc.locator('#bloc-msp').count())) fail('the MSP workspace shows no points table');
  if (await roc.locator('#bloc-fiches').count()) fail('the MSP workspace shows the CPTS fiches action');
  const usagers = roc.locator('#msp-implication_usagers');
  if (digits(await usagers.locator('td').nth(2).textContent()) !== '200') fail('implication des usagers is not worth 200 points');
  const before = digits(await usagers.locator('.euros-atteints').textContent());
  const entry = roc.locator('#indicateur-msp-implication_usagers form[data-form=measure]');
  await entry.locator('input.saisie-mesure').fill('100');
  await submitPage(roc, entry);
  if (await roc.locator('.erreur:not([hidden])').count()) fail('the rate was refused');
  // By hand: 200 points × 7 € = 1 400 € for a full year, × days under contract in the signature's
  // year / days of that year, at 100 % (it was 50 % in the demo).
  const sig = new Date(`${signature}T00:00:00Z`);
  const next = Date.UTC(Number(year) + 1, 0, 1);
  const days = Math.round((next - sig.getTime()) / 86400000);
  const yearDays = Math.round((next - Date.UTC(Number(year), 0, 1)) / 86400000);
  const cents = Math.round((140000 * days) / yearDays);
  const expected = `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`;
  const after = digits(await roc.locator('#msp-implication_usagers .euros-atteints').textContent());
  if (after !== expected) fail(`implication des usagers at 100 %: ${after} instead of ${expected}`);
  if (after === before) fail('the euros did not change with the rate');
  const points = digits(await roc.locator('#msp-implication_usagers .points-atteints').textContent());
  if (points !== '200') fail(`points earned at 100 %: ${points}`);
  await shot(roc, 'aci-contrats-msp', { fullPage: true });
}));
