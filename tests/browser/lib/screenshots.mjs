// Screenshots of the ROC portfolio, the contract page and the dialogue at 1 366 and 390 px, and of
// the demo CPTS's projet de santé pre-draft (printable page, governance chapter) for its
// coordinator, into docs/screenshots/ (for release notes; not a test):
//   MAILLAGE_BIN=build/dev/tools/maillage/maillage node tests/browser/lib/screenshots.mjs
import fs from 'node:fs';
import path from 'node:path';
import { root, run, withDemoServer } from './harness.mjs';
const out = path.join(root, 'docs', 'screenshots');
fs.mkdirSync(out, { recursive: true });
run(() => withDemoServer('shots', async ({ base, browser, signIn }) => {
  for (const [w, h] of [[1366, 900], [390, 844]]) {
    const context = await browser.newContext({ viewport: { width: w, height: h }, locale: 'fr-FR' });
    const page = await context.newPage();
    await signIn(page, 'roc1.moselle@demo.maillage.fr', '/');
    for (const [name, url] of [['portefeuille', '/portefeuille/57'], ['contrat', '/aci/contrats/1'], ['dialogue', '/aci/contrats/1/dialogue/1']]) {
      await page.goto(base + url, { waitUntil: 'load' });
      await page.waitForTimeout(400);
      await page.screenshot({ path: path.join(out, `${name}-${w}.png`), fullPage: false });
    }
    await context.close();
  }
  // The pre-draft as the coordinator prints it: the governance chapter, read from the
  // association's data.
  const context = await browser.newContext({ viewport: { width: 1366, height: 1400 }, locale: 'fr-FR' });
  const page = await context.newPage();
  await signIn(page, 'coordination@demo.maillage.fr', '/');
  const href = await page.getAttribute('a[href$="/projet-de-sante"]', 'href');
  await page.goto(base + href + '/imprimer', { waitUntil: 'load' });
  await page.locator('h1', { hasText: 'Gouvernance' }).first()
    .evaluate((h) => { h.scrollIntoView({ block: 'start' }); window.scrollBy(0, -16); });
  await page.screenshot({ path: path.join(out, 'projet-gouvernance-1366.png'), fullPage: false });
  await context.close();
}));
