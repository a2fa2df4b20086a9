// Browser test of the animation territoriale: the demo coordinator creates a partner (its
// communes on the map), records an interaction with a PDF attached, creates an action of the
// demo CPTS and an event with 2 places, registers three people (the third waits), cancels the
// first (the waiting person is promoted, said on the page), marks the émargement, and sees the
// change on a second page (the action's events table) and in the attendance CSV export; a refused
// registration (same e-mail twice) is shown next to the e-mail field with what was typed kept;
// the demo member sees the event of their structure and registers themself.
// Screenshots in test-output/animation-*.png.
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/animation.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const COORD = 'coordination@demo.maillage.fr';
const MEMBER = 'membre@demo.maillage.fr';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

async function main() {
  await withDemoServer('animation', async ({ base, newPage, signIn, shot, problems }) => {
    const page = await newPage();
    await signIn(page, COORD, '/');
    await Promise.all([page.waitForURL(/\/partenaires$/), page.click('nav a[href="/partenaires"]')]);
    const demoPartners = await page.locator('#liste-partenaires tbody tr[data-partenaire]').count();
    if (demoPartners < 6) fail(`the demo shows ${demoPartners} partners to the coordinator, not 6`);
    await page.waitForSelector('#carte-partenaires[data-etat="pret"]');

    // A partner.
    await page.fill('#partenaire-nom', 'Maison de quartier Borny (test)');
    await page.selectOption('#partenaire-type', 'association');
    await page.fill('#partenaire-siren', '732829321');
    await page.fill('#partenaire-communes', '57463 57480');
    await page.locator('.partenaire-structure').first().check();
    await page.fill('#contact-nom', 'Nora Test');
    await page.click('#formulaire-partenaire button[type=submit]');
    await page.waitForSelector('#message-partenaire[data-etat="refuse"]');
    if (!(await text(page, '[data-erreur-pour="siren"]')).includes('Luhn')) fail('the SIREN refusal is not next to its field');
    if (await page.inputValue('#partenaire-nom') !== 'Maison de quartier Borny (test)') fail('typed name lost');
    // The refused request is expected (console error of the 400 answer).
    const refused = problems.findIndex((p) => p.includes('status of 400'));
    if (refused < 0) fail(`expected one refused request, got: ${problems.join(' ; ')}`);
    problems.splice(refused, 1);
    await page.fill('#partenaire-siren', '');
    await Promise.all([page.waitForURL(/\/partenaires\/\d+$/), page.click('#formulaire-partenaire button[type=submit]')]);
    await page.waitForSelector('#carte-partenaires[data-etat="pret"]');
    const served = await page.locator('#carte-partenaires path[data-desservie]').count();
    if (served !== 2) fail(`the map shows ${served} communes served, not 2`);
    const partnerUrl = page.url();

    // An interaction with a PDF.
    await page.selectOption('#echange-type', 'convention');
    await page.fill('#echange-objet', 'Convention de partenariat');
    await page.setInputFiles('#echange-document', {
      name: 'convention.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4\nconvention\n%%EOF\n'),
    });
    await Promise.all([page.waitForLoadState('load'), page.click('#formulaire-echange button[type=submit]')]);
    await page.waitForSelector('#echanges-partenaire tbody tr[data-echange]');
    const link = page.locator('#echanges-partenaire a', { hasText: 'convention.pdf' });
    const pdf = await page.request.get(base + await link.getAttribute('href'));
    if (pdf.status() !== 200 || !(await pdf.text()).startsWith('%PDF-1.4')) fail('the document does not read back');
    await shot(page, 'animation-partenaire', { fullPage: true });

    // An action of the demo CPTS, then an event with 2 places.
    await page.goto(`${base}/actions`);
    await page.fill('#action-intitule', 'Atelier prévention des chutes (test)');
    await page.selectOption('#action-type', 'aller_vers');
    await page.fill('#action-prevues', '30');
    await page.locator('label', { hasText: 'Maison de quartier Borny (test)' }).locator('input').check();
    await Promise.all([page.waitForURL(/\/actions\/\d+$/), page.click('#formulaire-action button[type=submit]')]);
    const actionUrl = page.url();
    if (!(await text(page, '.chapo')).includes('Prévue')) fail('the action status is not shown');
    await page.fill('#evenement-intitule', 'Atelier du 1er mardi');
    await page.fill('#evenement-capacite', '2');
    await page.fill('#evenement-lieu', 'Maison de quartier');
    await Promise.all([page.waitForURL(/\/evenements\/\d+$/), page.click('#formulaire-evenement button[type=submit]')]);
    const eventUrl = page.url();

    for (const [nom, courriel] of [['Alice Test', 'alice@exemple.fr'], ['Bruno Test', 'bruno@exemple.fr'], ['Chloé Test', 'chloe@exemple.fr']]) {
      await page.fill('#inscription-nom', nom);
      await page.fill('#inscription-courriel', courriel);
      if (nom === 'Chloé Test') {
        await page.selectOption('#inscription-categorie', 'partenaire');
        await page.selectOption('#inscription-partenaire', { label: 'Maison de quartier Borny (test)' });
      }
      await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'), page.click('#formulaire-inscription button[type=submit]')]);
      await page.waitForSelector('#formulaire-inscription');
    }
    if (await page.locator('#inscrits tbody tr[data-inscription]').count() !== 2) fail('not two registered');
    if (!(await text(page, '#liste-attente tbody')).includes('Chloé Test')) fail('the third does not wait');
    if (!(await text(page, '.succes')).includes('liste d\'attente')) fail('the waiting confirmation is not shown');
    // The same e-mail again: refused next to the field, typed text kept.
    await page.fill('#inscription-nom', 'Alice Bis');
    await page.fill('#inscription-courriel', 'ALICE@exemple.fr');
    await page.click('#formulaire-inscription button[type=submit]');
    await page.waitForSelector('#message-inscription[data-etat="refuse"]');
    if (!(await text(page, '[data-erreur-pour="courriel"]')).includes('déjà inscrite')) fail('duplicate e-mail not refused at its field');
    if (await page.inputValue('#inscription-nom') !== 'Alice Bis') fail('typed name lost after the refusal');
    const duplicate = problems.findIndex((p) => p.includes('status of 409'));
    if (duplicate < 0) fail(`expected one 409 answer, got: ${problems.join(' ; ')}`);
    problems.splice(duplicate, 1);

    // Alice cancels: Chloé is promoted.
    await Promise.all([page.waitForLoadState('load'), page.waitForEvent('framenavigated'),
      page.locator('#inscrits tr', { hasText: 'Alice Test' }).locator('.annuler-inscription').click()]);
    await page.waitForSelector('#inscrits');
    if (!(await text(page, '.succes')).includes('Chloé Test quitte la liste d\'attente')) fail('the promotion is not said');
    if (!(await text(page, '#inscrits tbody')).includes('Chloé Test')) fail('Chloé not promoted');
    if (!(await text(page, '#inscrits tr[data-inscription]:has-text("Chloé Test")')).includes('(Maison de quartier Borny (test))')) {
      fail('the partner of Chloé is not shown');
    }
    if (!(await text(page, '#liste-attente tbody')).includes('Personne n\'attend')) fail('the waiting list is not empty');

    // Émargement.
    await page.locator('#inscrits tr', { hasText: 'Bruno Test' }).locator('input[value="present"]').check();
    await page.locator('#inscrits tr', { hasText: 'Chloé Test' }).locator('input[value="absent"]').check();
    await page.click('#enregistrer-emargement');
    await page.waitForSelector('#message-emargement[data-etat="enregistre"]');
    if (!(await text(page, '#message-emargement')).includes('1 présent(s), 1 absent(s)')) fail('attendance not saved');
    await shot(page, 'animation-evenement', { fullPage: true });

    // The change on a second page and in the export.
    await page.goto(actionUrl);
    const row = await text(page, '#evenements-action tbody tr[data-evenement]');
    if (!row.includes('2 / 2') || !row.endsWith('1')) fail(`action page: ${row}`);
    if (!(await text(page, '#indicateurs-action')).includes('présents aux événements : 1')) fail('the action does not count the present');
    const csv = await page.request.get(`${eventUrl}/emargement.csv`);
    const body = await csv.text();
    if (!body.includes('Bruno Test;bruno@exemple.fr;Professionnel du territoire;;présent')) fail(`CSV: ${body}`);
    if (!body.includes('Chloé Test;chloe@exemple.fr;Personnel d\'un partenaire;;absent')) fail(`CSV: ${body}`);
    await page.goto(partnerUrl);
    if (!(await text(page, '#actions-partenaire tbody')).includes('Atelier prévention des chutes')) fail('the partner page does not list the action');

    // The demo member registers to the event of their structure.
    const member = await newPage();
    await signIn(member, MEMBER, new URL(eventUrl).pathname);
    if (await member.locator('#inscrits').count() !== 0) fail('the member sees the registrations');
    await Promise.all([member.waitForLoadState('load'), member.waitForEvent('framenavigated'), member.click('#m-inscrire')]);
    await member.waitForSelector('#mon-inscription');
    if (!(await text(member, '#mon-inscription')).includes('liste d\'attente')) fail('the member is not on the waiting list');
    await shot(member, 'animation-membre', { fullPage: true });
  });
}

run(main);
