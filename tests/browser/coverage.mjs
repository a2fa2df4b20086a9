// Browser test of the territory area: as the Moselle ROC, the coverage map of Moselle (white
// zones hatched, the demo's overlap outlined, legend, proposals on demand); the territory page of
// the demo's Pays messin CPTS, edited by clicking a cell and saved with its version (checked
// through the API); the observatory as the national observer (tables, Chart.js charts and the
// canvas map of every commune of France). Page weights and draw times are printed, not asserted.
// Screenshots in test-output/.
//
//   MAILLAGE_BIN=build/<dir>/tools/maillage/maillage MAILLAGE_REFERENCE=var/reference.sqlite \
//     node tests/browser/coverage.mjs
import { fail, run, withDemoServer } from './lib/harness.mjs';

// Bytes transferred and decoded for the first response whose URL contains `part`.
function weigh(page, part) {
  return new Promise((resolve) => {
    const listener = async (r) => {
      if (!r.url().includes(part)) return;
      page.off('response', listener);
      const sizes = await r.request().sizes();
      resolve({ encoded: sizes.responseBodySize, decoded: (await r.body()).length,
        encoding: r.headers()['content-encoding'] || 'identity' });
    };
    page.on('response', listener);
  });
}

// Decodes a TopoJSON geometry's rings ([lon, lat]) and counts, for each arc, the geometries using it.
function topoRings(topo, g) {
  const { scale, translate } = topo.transform;
  const arc = (i) => {
    let x = 0;
    let y = 0;
    return topo.arcs[i].map(([dx, dy]) => { x += dx; y += dy; return [x * scale[0] + translate[0], y * scale[1] + translate[1]]; });
  };
  return g.arcs.flatMap((polygon) => polygon.map((refs) => {
    const out = [];
    for (const r of refs) {
      const pts = arc(r < 0 ? ~r : r);
      if (r < 0) pts.reverse();
      out.push(...(out.length ? pts.slice(1) : pts));
    }
    return out;
  }));
}

// Area of a ring in km² (equirectangular at its latitude; enough at a commune's scale).
function ringKm2(ring) {
  const k = Math.PI / 180;
  const lat0 = ring[0][1] * k;
  let a = 0;
  for (let i = 0; i + 1 < ring.length; i++) {
    a += ring[i][0] * ring[i + 1][1] - ring[i + 1][0] * ring[i][1];
  }
  return Math.abs(a / 2) * (111.32 * 111.32) * Math.cos(lat0);
}

const ROC = 'roc1.moselle@demo.maillage.fr';
const OBSERVER = 'observateur@demo.maillage.fr';

run(() => withDemoServer('coverage', async ({ base, newPage, signIn, shot }) => {
  const page = await newPage();
  // Page weight and draw time of the Moselle map (reported, not asserted: timings vary).
  const shapes = weigh(page, '/api/v1/contours/57');
  await signIn(page, ROC, '/couverture/57');
  await page.waitForSelector('#carte-couverture[data-etat="pret"]', { timeout: 60000 });
  const drawnMs = await page.evaluate(() => performance.now());
  const weight = await shapes;
  console.log(`Moselle coverage map: shapes ${(weight.encoded / 1024).toFixed(0)} KiB transferred ` +
    `(${weight.encoding}), ${(weight.decoded / 1024).toFixed(0)} KiB of TopoJSON; drawn ` +
    `${drawnMs.toFixed(0)} ms after the page's navigation started`);

  const cells = await page.locator('#carte-couverture path[data-code]').count();
  if (cells < 500) fail(`expected the ~725 communes of Moselle, found ${cells} cells`);
  // Gorze, once a white hole in Moselle, is drawn with its own shape.
  if ((await page.locator('#carte-couverture path[data-code="57254"]').count()) !== 1) fail('Gorze (57254) is not on the Moselle map');
  const white = page.locator('#carte-couverture path[data-zone-blanche="1"]');
  const whiteCount = await white.count();
  // The list alternative beside the map names every commune drawn with its coverage, and the
  // white-zone communes as many as the hatched cells.
  const listed = await page.locator('#carte-couverture ~ .panneau .liste-communes a[href^="/communes/"]').count();
  if (listed !== cells) fail(`the coverage list has ${listed} communes, the map ${cells}`);
  const listedWhite = await page.locator('.liste-communes li', { hasText: 'zone blanche' }).count();
  if (listedWhite !== whiteCount) fail(`the list has ${listedWhite} white-zone communes, the map ${whiteCount}`);
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

  // The map of France: every commune drawn on a canvas from the France level of the contours.
  // Drawn twice: first with the server computing the topology and the level (cold), then from a
  // fresh browser (empty HTTP cache) on the server's cached body (warm).
  for (const run of ['cold', 'warm']) {
    const fr = await newPage();
    const frWeight = weigh(fr, '/api/v1/contours/france');
    await signIn(fr, OBSERVER, '/observatoire');
    await fr.waitForSelector('#carte-france[data-etat="pret"]', { timeout: 120000 });
    const readyMs = await fr.evaluate(() => performance.now());
    const w = await frWeight;
    const m = JSON.parse(await fr.getAttribute('#carte-france', 'data-mesures'));
    const drawn = Number(await fr.getAttribute('#carte-france', 'data-communes'));
    console.log(`France map (${run}): contours ${(w.encoded / 1024).toFixed(0)} KiB transferred (${w.encoding}), ` +
      `${(w.decoded / 1024).toFixed(0)} KiB of binary contours; ${drawn} communes drawn; contours received ` +
      `${m.contours_ms} ms after the script started, projected in ${m.decodage_ms} ms, painted in ` +
      `${m.dessin_ms} ms, on screen ${m.affiche_ms} ms after projecting (script start to on screen: ` +
      `${m.total_ms} ms; navigation to ready: ${readyMs.toFixed(0)} ms)`);
    if (run === 'warm') {
      // Levels of detail (on the warm page, from the France view): zoomed in on Metz, Moselle
      // (and the départements around it in view) is painted from its département-level
      // contours, every point of them; zoomed out again, the France level alone.
      const box = await fr.locator('#carte-france').boundingBox();
      const [bx, by] = await fr.$eval('#carte-france', (e) => [e.clientLeft, e.clientTop]);
      const vueDe = async () => JSON.parse(await fr.getAttribute('#carte-france', 'data-vue'));
      const zoomer = async (lon, lat, delta, assez) => {
        for (let i = 0; i < 40; i++) {
          const vue = await vueDe();
          if (assez(vue)) return vue;
          const x = (lon + 180) / 360 * vue.k - vue.ox;
          const y = (0.5 - Math.log(Math.tan(Math.PI / 4 + lat * Math.PI / 360)) / (2 * Math.PI)) * vue.k - vue.oy;
          if (x < 0 || y < 0 || x > box.width || y > box.height) fail(`${lon}, ${lat} is off the map`);
          await fr.mouse.move(box.x + bx + x, box.y + by + y);
          await fr.mouse.wheel(0, delta);
          await fr.waitForTimeout(150);
        }
        return vueDe();
      };
      const kFrance = (await vueDe()).k;
      const pointsFrance = Number(await fr.getAttribute('#carte-france', 'data-points-peints'));
      const metz = await zoomer(6.18, 49.12, -60, (vue) => vue.k >= 256 * 2 ** 8.5);
      if (metz.k < 256 * 2 ** 8) fail(`could not zoom in on Metz (k = ${metz.k})`);
      await fr.waitForSelector('#carte-france[data-niveau="departement"][data-etat="pret"]', { timeout: 60000 });
      const fins = (await fr.getAttribute('#carte-france', 'data-departements-fins')).split(' ');
      if (!fins.includes('57')) fail(`zoomed in on Metz, the finer départements are ${fins.join(', ')}`);
      const pointsFins = JSON.parse(await fr.getAttribute('#carte-france', 'data-points-fins'));
      const dep57 = await fr.evaluate(async () => (await fetch('/api/v1/contours/57?niveau=departement')).json());
      const points57 = dep57.arcs.reduce((n, a) => n + a.length, 0);
      if (pointsFins['57'] !== points57) fail(`Moselle painted from ${pointsFins['57']} points, its département level has ${points57}`);
      const peintes = Number(await fr.getAttribute('#carte-france', 'data-communes-peintes'));
      await fr.mouse.move(box.x + bx + ((6.18 + 180) / 360) * metz.k - metz.ox,
        box.y + by + (0.5 - Math.log(Math.tan(Math.PI / 4 + 49.12 * Math.PI / 360)) / (2 * Math.PI)) * metz.k - metz.oy);
      let bulleMetz = '';
      for (let i = 0; i < 50 && !bulleMetz.startsWith('Metz (57)'); i++) {
        if (i > 0) await fr.waitForTimeout(100);
        bulleMetz = (await fr.textContent('#carte-france .leaflet-tooltip')) || '';
      }
      if (!bulleMetz.startsWith('Metz (57)')) fail(`hovering Metz at the département level shows "${bulleMetz}"`);
      await shot(fr, 'observatoire-carte-france-zoom', { fullPage: false });
      await zoomer(6.18, 49.12, 600, (vue) => vue.k <= kFrance);
      await fr.waitForSelector('#carte-france[data-niveau="france"][data-etat="pret"]', { timeout: 60000 });
      if ((await fr.getAttribute('#carte-france', 'data-departements-fins')) !== '') fail('zoomed out, finer départements are still painted');
      console.log(`Levels of detail: France level ${pointsFrance} points painted; zoomed in on Metz ` +
        `(zoom ${Math.log2(metz.k / 256).toFixed(2)}), ${fins.length} départements at the département level ` +
        `(Moselle from ${pointsFins['57']} points), ${peintes} communes painted`);
      await fr.close();
      break;
    }
    // Correctness: every commune of the topology is drawn, Gorze among them with its shape,
    // whose borders are all shared with its neighbours (no gap at this level of detail).
    const topo = await fr.evaluate(async () => (await fetch('/api/v1/contours/france')).json());
    const geometries = topo.objects.communes.geometries;
    if (topo.niveau !== 'france') fail(`France map level: ${topo.niveau}`);
    if (drawn !== geometries.length) fail(`${drawn} communes drawn for ${geometries.length} contours`);
    if (drawn < 34900) fail(`only ${drawn} communes on the map of France`);
    const gorze = geometries.find((g) => g.id === '57254');
    if (!gorze) fail('Gorze (57254) is missing from the contours of France');
    const km2 = topoRings(topo, gorze).reduce((s, r) => s + ringKm2(r), 0);
    const moselle = await fr.evaluate(async () => (await fetch('/api/v1/contours/57')).json());
    const official = moselle.objects.communes.geometries.find((g) => g.id === '57254').properties.superficie_km2;
    if (!(official > 10)) fail(`Gorze's area in the référentiel: ${official} km²`);
    // Simplified at 600 m, a commune some 4 km across keeps its place and most of its area
    // (Douglas–Peucker moves no border more than 600 m); collapsed, it would measure nothing.
    if (!(km2 > 0.5 * official && km2 < 1.5 * official)) fail(`Gorze measures ${km2.toFixed(1)} km² on the France map, ${official} km² in the référentiel`);
    const uses = new Map();
    for (const g of geometries) {
      for (const polygon of g.arcs) for (const refs of polygon) for (const r of refs) {
        const a = r < 0 ? ~r : r;
        uses.set(a, (uses.get(a) || 0) + 1);
      }
    }
    const gorzeArcs = gorze.arcs.flat(2).map((r) => (r < 0 ? ~r : r));
    if (gorzeArcs.some((a) => uses.get(a) !== 2)) fail('a border of Gorze is not shared with a neighbour on the France map');
    const shared = [...uses.values()].filter((n) => n === 2).length;
    console.log(`France contours: ${geometries.length} communes, ${topo.arcs.length} arcs (${shared} shared by two ` +
      `communes); Gorze ${km2.toFixed(1)} km² drawn for ${official} km²`);
    if ((await fr.textContent('#etat-carte-france')).indexOf('zone blanche') < 0) fail('the France map has no summary');
    await shot(fr, 'observatoire-carte-france', { fullPage: false });
    // Hovering Arles's town centre names it (hit test on the canvas; at about 1.4 km a pixel,
    // a large commune whose centre lies kilometres from its borders).
    const arles = await fr.evaluate(async () => (await fetch('/api/v1/communes/13004')).json());
    const u = (arles.position.lon + 180) / 360;
    const v = 0.5 - Math.log(Math.tan(Math.PI / 4 + arles.position.lat * Math.PI / 360)) / (2 * Math.PI);
    const box = await fr.locator('#carte-france').boundingBox();
    // Container points start inside the map's border.
    const [bx, by] = await fr.$eval('#carte-france', (e) => [e.clientLeft, e.clientTop]);
    const pointer = async () => {
      const vue = JSON.parse(await fr.getAttribute('#carte-france', 'data-vue'));
      await fr.mouse.move(box.x + bx + u * vue.k - vue.ox, box.y + by + v * vue.k - vue.oy);
      return vue;
    };
    // At the France zoom a pixel is about 2 km: zoom in around the town with the wheel first.
    const before = await pointer();
    await fr.mouse.wheel(0, -600);
    for (let i = 0; i < 50; i++) {
      if (JSON.parse(await fr.getAttribute('#carte-france', 'data-vue')).k > 2 * before.k) break;
      await fr.waitForTimeout(100);
    }
    await pointer();
    await fr.waitForSelector('#carte-france .leaflet-tooltip', { timeout: 10000 });
    const bulle = await fr.textContent('#carte-france .leaflet-tooltip');
    if (!bulle.startsWith('Arles (13)')) fail(`hovering Arles on the France map shows "${bulle}"`);
    // The stage filter repaints without reloading the contours.
    await fr.selectOption('#etape-carte-france', 'aci_signe');
    await fr.waitForSelector('#carte-france[data-etat="pret"]', { timeout: 60000 });

    await fr.close();
  }

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
