// Browser test of the territory area: as the Moselle ROC, the coverage map of Moselle (white
// zones hatched, the demo's overlap outlined, legend, proposals on demand); the territory page of
// the demo's Pays messin CPTS, edited by clicking a cell and saved with its version (checked
// through the API); the observatory as the national observer (tables and Chart.js charts).
// Screenshots in test-output/.
//
//   MAILLAGE_BIN=build/<dir>/tools/maillage/maillage MAILLAGE_REFERENCE=var/reference.sqlite \
//     node tests/browser/coverage.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

const ROC = 'roc1.moselle@demo.maillage.fr';
const OBSERVER = 'observateur@demo.maillage.fr';

run(() => withDemoServer('coverage', async ({ base, newPage, signIn, shot }) => {
  const page = await newPage();
  // Page weight and draw time of the Moselle map (reported, not asserted: timings vary).
  const shapes = new Promise((resolve) => {
    page.on('response', async (r) => {
      if (!r.url().endsWith('/api/v1/departements/57/cells')) return;
      const sizes = await r.request().sizes();
      resolve({ encoded: sizes.responseBodySize, decoded: (await r.body()).length,
        encoding: r.headers()['content-encoding'] || 'identity' });
    });
  });
  await signIn(page, ROC, '/couverture/57');
  await page.waitForSelector('#carte-couverture[data-etat="pret"]', { timeout: 60000 });
  const drawnMs = await page.evaluate(() => performance.now());
  const weight = await shapes;
  console.log(`Moselle coverage map: shapes ${(weight.encoded / 1024).toFixed(0)} KiB transferred ` +
    `(${weight.encoding}), ${(weight.decoded / 1024).toFixed(0)} KiB of GeoJSON; drawn ` +
    `${drawnMs.toFixed(0)} ms after the page's navigation started`);

  const cells = await page.locator('#carte-couverture path[data-code]').count();
  if (cells < 500) fail(`expected the ~725 communes of Moselle, found ${cells} cells`);
  const white = page.locator('#carte-couverture path[data-zone-blanche="1"]');
  const whiteCount = await white.count();
  if (whiteCount < 1) fail('no white zone on the coverage map of the demo');
  const fill = await white.first().getAttribute('fill');
  if (fill !== 'url(#hachures-zone-blanche)') fail(`white zones are filled with ${fill}, not the hatch pattern`);
  if ((await page.locator('#carte-couverture pattern#hachures-zone-blanche').count()) !== 1) {
    fail('the hatch pattern is missing from the map SVG');
  }
  const overlap = page.locator('#carte-couverture path[data-chevauchement="1"]');
  const overlapCount = await overlap.count();
  if (overlapCount < 1) fail('the demo overlap is not highlighted');
  if ((await overlap.first().getAttribute('stroke')) !== '#d7191c') fail('overlap cells are not outlined in red');
  const legend = await page.textContent('.legende-couverture');
  for (const text of ['Zone blanche', 'Chevauchement', 'Pays messin']) {
    if (!legend.includes(text)) fail(`legend lacks "${text}": ${legend}`);
  }
  if (!(await page.textContent('#chevauchements')).includes('Pays messin')) fail('overlap list lacks the Pays messin');
  await shot(page, 'couverture-57');

  await page.click('#afficher-propositions');
  await page.waitForSelector('#propositions li', { timeout: 30000 });
  const proposals = await page.locator('#propositions li').count();
  await shot(page, 'couverture-57-propositions');

  // The stage filter: "ACI signé" counts fewer CPTS, so at least as many white communes.
  await Promise.all([page.waitForURL(/etape=aci_signe/), page.selectOption('#etape-couverture', 'aci_signe')]);
  await page.waitForSelector('#carte-couverture[data-etat="pret"]', { timeout: 60000 });
  const whiteAci = await page.locator('#carte-couverture path[data-zone-blanche="1"]').count();
  if (whiteAci < whiteCount) fail(`ACI signé filter: ${whiteAci} white communes < ${whiteCount} for every stage`);

  // Territory page of the Pays messin, from the list.
  await page.goto(`${base}/couverture/57`);
  const link = page.locator('#liste-cpts a', { hasText: 'Pays messin' });
  const href = await link.getAttribute('href');
  const id = href.split('/').pop();
  await Promise.all([page.waitForURL(`${base}${href}`), link.click()]);
  await page.waitForSelector('#carte-territoire[data-etat="pret"]', { timeout: 60000 });
  const before = await page.evaluate(async (sid) => (await fetch(`/api/v1/structures/${sid}/territory`)).json(), id);
  const inside = new Set(before.communes.map((c) => c.code));
  // A white commune next to nothing in particular: the first one outside the territory whose
  // cell is visible. Clicking it adds it; saving sends the version read.
  const codes = await page.locator('#carte-territoire path[data-code]').evaluateAll(
    (ps) => ps.map((p) => p.getAttribute('data-code')));
  const target = codes.find((c) => !inside.has(c) && c.startsWith('57'));
  if (!target) fail('no commune outside the territory on its map');
  const cell = page.locator(`#carte-territoire path[data-code="${target}"]`);
  await cell.scrollIntoViewIfNeeded();
  await cell.click({ force: true });
  if ((await page.getAttribute('#carte-territoire', 'data-modifie')) !== '1') fail('clicking a cell did not change the territory');
  if (Number(await page.textContent('#fait-communes')) !== inside.size + 1) fail('commune count not updated after the click');
  await shot(page, 'territoire-modifie');
  await page.click('#enregistrer-territoire');
  await page.waitForSelector('#carte-territoire[data-enregistre]', { timeout: 30000 });
  const after = await page.evaluate(async (sid) => (await fetch(`/api/v1/structures/${sid}/territory`)).json(), id);
  if (after.version !== before.version + 1) fail(`version ${before.version} → ${after.version}`);
  if (!after.communes.some((c) => c.code === target)) fail(`${target} was not saved in the territory`);
  if (after.communes.length !== inside.size + 1) fail('the saved territory lost communes');
  await shot(page, 'territoire-enregistre');

  // The observatory as the national observer (fresh page, fresh session).
  const obs = await newPage();
  await signIn(obs, OBSERVER, '/observatoire');
  await obs.waitForSelector('body[data-graphiques="prets"]', { timeout: 30000 });
  const rows = await obs.locator('#tableau-departements tbody tr').count();
  if (rows < 100) fail(`observatory lists ${rows} départements`);
  const moselle = await obs.locator('#tableau-departements tr', { hasText: 'Moselle (57)' }).textContent();
  if (!/\d/.test(moselle)) fail(`Moselle row: ${moselle}`);
  const summary = await obs.textContent('#resume-france');
  if (!summary.includes('CPTS')) fail(`observatory summary: ${summary}`);
  await shot(obs, 'observatoire', { fullPage: false });

  console.log(`browser test passed: ${cells} cells, ${whiteCount} white communes (${whiteAci} under "ACI signé"), ` +
    `${overlapCount} in overlap, ${proposals} proposals; ${target} added to CPTS ${id} (version ` +
    `${after.version}); observatory with ${rows} départements; screenshots in test-output/`);
}));
