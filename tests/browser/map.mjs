// Browser test: signs in as the Moselle ROC, opens the map of Moselle, searches a commune, clicks
// the cell of Metz (57463), checks the commune page, saves screenshots to test-output/ (harness:
// lib/harness.mjs — real binary, real référentiel, demo database, headless Chromium).
//
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/map.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const LOGIN = 'roc1.moselle@demo.maillage.fr';

run(() => withDemoServer('map', async ({ base, newPage, shot, passwords }) => {
  const page = await newPage();

  // Signed out, the map sends us to the login page, which brings us back after login.
  await page.goto(`${base}/carte/57`);
  if (!page.url().startsWith(`${base}/connexion`)) fail(`expected the login page, got ${page.url()}`);
  await page.fill('#identifiant', LOGIN);
  await page.fill('#mot_de_passe', passwords.get(LOGIN));
  await Promise.all([page.waitForURL(`${base}/carte/57`), page.click('button[type=submit]')]);

  await page.waitForSelector('#carte[data-etat="pret"]', { timeout: 60000 });
  const cells = await page.locator('#carte path[data-code]').count();
  if (cells < 500) fail(`expected the ~725 communes of Moselle on the map, found ${cells} cells`);
  // The list alternative beside the map names every commune drawn, as a link to its page.
  const listed = await page.locator('.liste-communes a[href^="/communes/"]').count();
  if (listed !== cells) fail(`the list beside the map has ${listed} communes, the map ${cells}`);
  const title = await page.textContent('h1');
  if (!title.includes('Moselle')) fail(`map title is "${title}"`);
  if ((await page.locator('.legende').count()) !== 1) fail('no legend on the map');
  await shot(page, 'carte-57');

  // The search box (htmx): typing fetches the /recherche fragment into #resultats.
  await page.fill('input.recherche', 'montigny-les-m');
  const hit = page.locator('#resultats a[href="/communes/57480"]');
  await hit.waitFor({ timeout: 15000 });
  if (!(await hit.textContent()).includes('Montigny-lès-Metz')) fail('search did not find Montigny-lès-Metz');

  const metz = page.locator('#carte path[data-code="57463"]');
  if ((await metz.count()) !== 1) fail('no cell for Metz (57463)');
  await metz.scrollIntoViewIfNeeded();
  await Promise.all([page.waitForURL(`${base}/communes/57463`), metz.click()]);

  const name = (await page.textContent('#nom-commune')).trim();
  if (name !== 'Metz') fail(`commune page shows "${name}"`);
  if ((await page.textContent('#code-commune')).trim() !== '57463') fail('wrong INSEE code on the page');
  const population = Number((await page.textContent('#population-commune')).replace(/\D/g, ''));
  if (!(population > 100000)) fail(`population of Metz is ${population}`);
  const body = await page.textContent('main');
  for (const text of ['Moselle', 'Grand Est', 'Metz Métropole', 'Communes voisines']) {
    if (!body.includes(text)) fail(`commune page lacks "${text}"`);
  }
  const neighbours = await page.locator('ul.voisins a').count();
  if (neighbours < 3) fail(`Metz has ${neighbours} neighbours on its page`);
  await shot(page, 'commune-57463', { fullPage: true });

  console.log(`browser test passed: ${cells} cells on the map of Moselle, Metz (${population} hab.) ` +
    `with ${neighbours} neighbours; screenshots in test-output/`);
}));
