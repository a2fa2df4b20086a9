// Browser test of the permanences planner on the demo campaign: the coordinator opens it, the
// demo member enters availabilities (htmx three-state buttons, then the quick entry for the rest),
// the coordinator solves it (the
// page polls the background job), reviews the roster and its fairness figures, checks a hand
// edit live, publishes, and both download the CSV and iCalendar exports. Screenshots go to
// test-output/permanences-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/permanences.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const COORD = 'coordination@demo.maillage.fr';
const MEMBER = 'membre@demo.maillage.fr';

run(() => withDemoServer('permanences', async ({ base, newPage, signIn, shot, problems }) => {
  // Coordinator: the list shows the demo campaign, open for availabilities.
  const coord = await newPage();
  await signIn(coord, COORD, '/permanences');
  const link = coord.locator('table.campagnes a', { hasText: 'démonstration' });
  if ((await link.count()) !== 1) fail('the demo campaign is not listed for the coordinator');
  await Promise.all([coord.waitForURL(/\/permanences\/\d+$/), link.click()]);
  const id = coord.url().match(/\/permanences\/(\d+)$/)[1];
  if ((await coord.getAttribute('#statut-campagne', 'data-statut')) !== 'collecte') {
    fail('the demo campaign should be collecting availabilities');
  }
  await shot(coord, 'permanences-campagne', { fullPage: true });

  // Member: enters availabilities through the grid (one click per slot, htmx swaps the row).
  const member = await newPage();
  await signIn(member, MEMBER, `/permanences/${id}`);
  const rows = member.locator('.grille-dispo .dispo');
  const n = await rows.count();
  if (n < 15) fail(`the member's grid shows ${n} slots`);
  for (let i = 0; i < 8; i += 1) {
    const state = i % 4 === 0 ? 'souhaite' : i % 4 === 3 ? 'indisponible' : 'disponible';
    const row = rows.nth(i);
    const slot = await row.getAttribute('data-creneau');
    await row.locator(`button[data-etat="${state}"]`).click();
    await member.waitForSelector(`#dispo-${slot}[data-etat="${state}"] button[data-etat="${state}"][aria-pressed="true"]`);
  }
  await shot(member, 'permanences-disponibilites', { fullPage: true });
  // Saved for real: a reload shows them.
  await member.reload();
  if ((await member.locator('.dispo[data-etat="souhaite"]').count()) !== 2) fail('wishes not saved');
  // Quick entry: every slot still unanswered marked available at once; the 8 answers stay.
  const unanswered = await member.locator('.dispo[data-etat="sans-reponse"]').count();
  await member.selectOption('#saisie-portee', 'sans-reponse');
  await member.selectOption('#saisie-etat', 'disponible');
  await Promise.all([member.waitForURL(/message=/), member.click('#saisie-appliquer')]);
  const said = await member.textContent('#message-saisie');
  if (!said.includes(`${unanswered} créneaux marqués « disponible »`)) fail(`quick entry said: ${said}`);
  if ((await member.locator('.dispo[data-etat="sans-reponse"]').count()) !== 0) fail('slots left unanswered');
  if ((await member.locator('.dispo[data-etat="souhaite"]').count()) !== 2) fail('quick entry overwrote answers');
  if ((await member.locator('.dispo[data-etat="indisponible"]').count()) !== 2) fail('quick entry overwrote answers');

  // Coordinator: solve in the background; the page polls and reloads when the job is done.
  await coord.reload();
  await coord.click('#lancer-calcul');
  await coord.waitForSelector('#calcul[data-statut="done"]', { timeout: 45000 });
  await coord.waitForSelector('table.planning tr[data-creneau]');
  const assigned = await coord.locator('table.planning .personne').count();
  if (assigned < 20) fail(`only ${assigned} assignments after solving`);
  const memberRows = await coord.locator('table.charges tbody tr').count();
  if (memberRows !== 12) fail(`fairness table lists ${memberRows} members`);
  const result = await coord.textContent('#calcul');
  if (!result.includes('meilleur planning')) fail(`job result not shown: ${result}`);
  if (/borne|objectif/i.test(await coord.textContent('.calcul-resultat'))) {
    fail('solver terms shown to the coordinator');
  }
  await shot(coord, 'permanences-planning', { fullPage: true });

  // Hand edit with the live check: removing someone keeps the roster legal (an open slot is
  // soft), so the check passes and the save is allowed; the edit is then dropped by a reload.
  const firstChip = coord.locator('table.planning .personne .retirer').first();
  await firstChip.click();
  await coord.waitForSelector('#controle p.ok');
  if (await coord.isDisabled('#enregistrer-planning')) fail('a legal edit cannot be saved');
  await coord.reload();

  // Publish.
  await Promise.all([coord.waitForLoadState('load'), coord.click('#publier')]);
  await coord.waitForSelector('#statut-campagne[data-statut="publie"]');
  const csv = await coord.request.get(`${base}/api/v1/campaigns/${id}/export.csv`);
  if (!csv.ok()) fail(`CSV export answered ${csv.status()}`);
  const csvText = await csv.text();
  if (!csvText.includes('date;debut;fin') || csvText.split('\r\n').length < 20) fail('CSV export is empty');
  const ics = await coord.request.get(`${base}/api/v1/campaigns/${id}/export.ics`);
  const icsText = await ics.text();
  if (!icsText.startsWith('BEGIN:VCALENDAR\r\n') || !icsText.includes('BEGIN:VEVENT')) fail('iCal export malformed');
  await coord.goto(`${base}/permanences/${id}/tableau`);
  if ((await coord.locator('table.grille-mensuelle tbody tr').count()) < 28) fail('monthly grid lacks days');
  await shot(coord, 'permanences-tableau', { fullPage: true });

  // Member: sees the published roster and downloads their own calendar.
  await member.reload();
  await member.waitForSelector('#statut-campagne[data-statut="publie"]');
  const mine = await member.locator('table.planning .personne.moi').count();
  const myIcs = await member.request.get(`${base}/api/v1/campaigns/${id}/export.ics?membre=${
    await member.getAttribute('#export-mes-ics', 'href').then((h) => h.split('membre=')[1])}`);
  const myText = await myIcs.text();
  const events = (myText.match(/BEGIN:VEVENT/g) || []).length;
  if (events !== mine) fail(`member calendar has ${events} events, roster shows ${mine} slots`);
  await shot(member, 'permanences-publie', { fullPage: true });

  // Forms confirm every save and show a refusal next to its field, keeping what was typed: a new
  // campaign (confirmed on its page), a member refused for an account outside the structure,
  // then added.
  await coord.goto(`${base}/permanences`);
  const structureOption = await coord.textContent('#nouvelle-campagne select[name="structure"] option');
  if (/n°/.test(structureOption)) fail(`structure offered by number: ${structureOption}`);
  await coord.fill('#nouvelle-campagne input[name="nom"]', 'Essai des confirmations');
  await coord.fill('#nouvelle-campagne input[name="debut"]', '2027-03-01');
  await coord.fill('#nouvelle-campagne input[name="fin"]', '2027-03-31');
  await Promise.all([coord.waitForURL(/\/permanences\/\d+$/), coord.click('#nouvelle-campagne button[type="submit"]')]);
  const created = await coord.textContent('main .succes');
  if (!created.includes('Campagne créée.')) fail(`campaign creation confirmed as: ${created}`);
  await coord.fill('#ajout-membre input[name="nom"]', 'Dr Essai');
  await coord.fill('#ajout-membre input[name="profession"]', 'infirmier');
  await coord.fill('#ajout-membre input[name="utilisateur"]', '999999');
  await coord.click('#ajout-membre button[type="submit"]');
  const refused = await coord.waitForSelector('#ajout-membre .erreur-champ');
  const refusal = await refused.textContent();
  if (!refusal.startsWith('N° de compte (facultatif) : cet utilisateur n\'est pas membre')) fail(`member refusal: ${refusal}`);
  if (await coord.getAttribute('#ajout-membre input[name="utilisateur"]', 'aria-invalid') !== 'true') fail('the refused field is not marked');
  if (await coord.inputValue('#ajout-membre input[name="nom"]') !== 'Dr Essai') fail('what was typed was lost');
  if (/\$\./.test(await coord.textContent('main'))) fail('a JSON path is shown');
  await coord.fill('#ajout-membre input[name="utilisateur"]', '');
  await Promise.all([coord.waitForEvent('load'), coord.click('#ajout-membre button[type="submit"]')]);
  const added = await coord.textContent('main .succes');
  if (!added.includes('Membre ajouté à la campagne.')) fail(`member added confirmed as: ${added}`);
  // Chromium logs the expected 400 answer as a console error: that one, and only it, is fine.
  const expected400 = problems.findIndex((p) => p.includes('status of 400'));
  if (expected400 >= 0) problems.splice(expected400, 1);

  console.log(`browser test passed: campaign ${id}, ${n} slots in the member's grid, ` +
    `${assigned} assignments after solving, ${mine} for the demo member; screenshots in test-output/`);
}));
