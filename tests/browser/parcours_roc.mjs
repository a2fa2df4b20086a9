// The walk of issue 12's "Done when", as a browser test: a new installation (an empty database
// with only the référentiel and one administrator account, made with `maillage user add` as the
// README says) where a ROC sets up the Meuse in the browser, with no CLI or API call:
//   1. the administrator creates the ROC's account;
//   2. the ROC signs in on an empty portfolio and creates a CPTS that exists in the field, at the
//      stage it has reached ("ACI en négociation", dated);
//   3. defines its territory from the structure page (an EPCI added on the map, saved);
//   4. designates the referent of the département (« Référents »);
//   5. creates its ACI contract from the structure page, which records "ACI signé";
//   6. the administrator opens the coordinator's account on the CPTS (by the number its fiche
//      shows), and the coordinator finds their CPTS;
//   7. the ROC's portfolio and « Qui est mon ROC ? » show the result.
// Screenshots in test-output/parcours-*.png (listed in the closing note of issue 12).
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/parcours_roc.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const ADMIN = 'administration@cpam-meuse.test';
const ADMIN_PASSWORD = 'installation-initiale-2026';
const ROC = 'referente.roc@cpam-meuse.test';
const ROC_PASSWORD = 'mot-de-passe-roc-meuse-55';
const COORD = 'coordination@cpts-verdun.test';
const COORD_PASSWORD = 'mot-de-passe-coordination-55';
const CPTS = 'CPTS du Pays de Verdun (fictive)';

async function text(page, selector) {
  return (await page.textContent(selector)).replace(/\s+/g, ' ').trim();
}

async function createAccount(admin, base, fields) {
  await admin.goto(`${base}/admin/utilisateurs`);
  await Promise.all([admin.waitForURL(/\/admin\/utilisateurs\/nouveau/), admin.click('#utilisateur-nouveau')]);
  await admin.fill('#identifiant', fields.login);
  await admin.fill('#nom', fields.name);
  await admin.fill('#mot_de_passe', fields.password);
  await admin.selectOption('#role', fields.role);
  if (fields.departements) await admin.selectOption('#departements', fields.departements);
  if (fields.structures) await admin.fill('#structures', fields.structures);
  await Promise.all([admin.waitForURL(/\/admin\/utilisateurs\?message=/),
    admin.click('#utilisateur-formulaire button[type=submit]')]);
  const row = await text(admin, `tr[data-identifiant="${fields.login}"]`);
  if (!row.includes('Actif')) fail(`account ${fields.login}: ${row}`);
}

run(() => withDemoServer('parcours-roc', async ({ base, newPage, signIn, shot, passwords }) => {
  // 1. The administrator creates the ROC's account.
  const admin = await newPage();
  await signIn(admin, ADMIN, '/admin/utilisateurs');
  await createAccount(admin, base, { login: ROC, name: 'Référente ROC de la Meuse', password: ROC_PASSWORD,
    role: 'roc', departements: ['55'] });
  await shot(admin, 'parcours-1-compte-roc', { fullPage: true });
  passwords.set(ROC, ROC_PASSWORD);
  passwords.set(COORD, COORD_PASSWORD);

  // 2. The ROC lands on an empty portfolio and creates the CPTS at the stage it has reached.
  const roc = await newPage();
  await signIn(roc, ROC, '/portefeuille/55');
  if (!(await text(roc, '.chapo')).startsWith('0 structures suivies')) fail(`new portfolio: ${await text(roc, '.chapo')}`);
  await shot(roc, 'parcours-2-portefeuille-vide', { fullPage: true });
  await Promise.all([roc.waitForURL(/\/structures\/nouvelle/), roc.click('#registre-nouvelle')]);
  await roc.selectOption('#type', 'CPTS');
  await roc.fill('#nom', CPTS);
  await roc.fill('#commune', 'Verdun');
  await roc.fill('#contact_courriel', COORD);
  await roc.selectOption('#etape_depart', 'aci_negociation');
  await roc.fill('#date_depart', '2026-09-01');
  await Promise.all([roc.waitForLoadState('load'), roc.click('#structure-formulaire button[type=submit]')]);
  if (!/\/structures\/\d+\?message=/.test(roc.url())) {
    await shot(roc, 'parcours-debug', { fullPage: true });
    fail(`creation refused: ${await text(roc, 'main')}`);
  }
  const structureUrl = roc.url().replace(/\?.*$/, '');
  const id = await text(roc, '#registre-numero');
  if (!structureUrl.endsWith(`/structures/${id}`)) fail(`the fiche shows number ${id} for ${structureUrl}`);
  await shot(roc, 'parcours-2-structure-creee', { fullPage: true });

  // 3. Its territory: from the fiche to the map, an EPCI added, saved.
  await Promise.all([roc.waitForURL(/\/territoires\/\d+$/), roc.click('#registre-territoire')]);
  await roc.waitForSelector('#carte-territoire[data-etat="pret"]', { timeout: 60000 });
  const epcis = await roc.$$eval('#choix-epci option', (os) => os.map((o) => [o.value, o.textContent.trim()]));
  const verdun = epcis.find(([, label]) => /Grand Verdun/i.test(label));
  if (!verdun) fail(`no EPCI of Verdun among ${epcis.length} choices`);
  await roc.selectOption('#choix-epci', verdun[0]);
  const communes = Number(await roc.textContent('#fait-communes'));
  if (communes < 10) fail(`the EPCI added ${communes} communes`);
  await roc.click('#enregistrer-territoire');
  await roc.waitForSelector('#carte-territoire[data-enregistre]', { timeout: 30000 });
  await shot(roc, 'parcours-3-territoire', { fullPage: true });

  // 4. The referent of the département.
  await Promise.all([roc.waitForURL(/\/referents\/55$/), roc.click('nav a[href="/referents/55"]')]);
  const me = await roc.$$eval('#referent-compte option', (os, login) =>
    (os.find((o) => o.textContent.includes(login)) || {}).value, ROC);
  if (!me) fail('the ROC is not among the people to designate');
  await roc.selectOption('#referent-compte', me);
  await roc.selectOption('#referent-zone', 'departement');
  await roc.click('#designer-referent button[type=submit]');
  await roc.locator('#referents-en-cours', { hasText: 'Référente ROC de la Meuse' }).waitFor();
  await shot(roc, 'parcours-4-referents', { fullPage: true });

  // 5. The ACI contract, from the fiche: it records "ACI signé" on its signature date.
  await roc.goto(structureUrl);
  await Promise.all([roc.waitForURL(/\/aci\/contrats\/nouveau\?structure=/), roc.click('#registre-autres-etapes a')]);
  await roc.fill('#signature', '2026-11-15');
  const proposed = await roc.inputValue('#size_class');
  if (!proposed) await roc.selectOption('#size_class', 'T1');
  await roc.check('input[name=mission][value=qualite]');
  await shot(roc, 'parcours-5-contrat-formulaire', { fullPage: true });
  await Promise.all([roc.waitForURL(/\/aci\/contrats\/\d+\?message=/), roc.click('#aci-formulaire button[type=submit]')]);
  if (!(await text(roc, '#aci-message')).includes('ACI signé')) fail(`contract: ${await text(roc, '#aci-message')}`);
  await shot(roc, 'parcours-5-contrat', { fullPage: true });

  // 6. The coordinator's account, on the CPTS's number; the coordinator finds their CPTS.
  await createAccount(admin, base, { login: COORD, name: 'Coordination CPTS de Verdun', password: COORD_PASSWORD,
    role: 'coordinator', structures: id });
  const coord = await newPage();
  await signIn(coord, COORD, `/structures/${id}`);
  if (!(await text(coord, 'h1')).includes(CPTS)) fail('the coordinator does not reach their CPTS');
  await shot(coord, 'parcours-6-coordination', { fullPage: true });

  // 7. The result, in the ROC's portfolio and « Qui est mon ROC ? ».
  await roc.goto(`${base}/portefeuille/55`);
  const row = await text(roc, '#registre-structures tbody tr');
  if (!row.includes(CPTS) || !row.includes('ACI signé') || !row.includes('Référente ROC de la Meuse')) {
    fail(`portfolio row: ${row}`);
  }
  await shot(roc, 'parcours-7-portefeuille', { fullPage: true });
  await roc.goto(`${base}/qui-est-mon-roc?commune=55545`);
  if (!(await text(roc, 'main')).includes('Référente ROC de la Meuse')) fail('« Qui est mon ROC ? » for Verdun');
  await shot(roc, 'parcours-7-qui-est-mon-roc', { fullPage: true });

  console.log(`browser test passed: from an empty database, the Meuse set up in the browser (ROC account, ` +
    `${CPTS} n° ${id} at "ACI en négociation", territory of ${communes} communes, referent, contract ` +
    '→ "ACI signé", coordinator account); screenshots test-output/parcours-*.png');
}, { empty: { login: ADMIN, password: ADMIN_PASSWORD } }));
