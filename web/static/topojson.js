// TopoJSON for the maps (https://github.com/topojson/topojson-specification): the commune
// contours of /api/v1/contours/{zone}?niveau=... are a quantized, delta-encoded topology whose
// shared borders are stored once. MaillageTopo.features() turns it into the GeoJSON
// FeatureCollection that Leaflet draws; MaillageTopo.mesh() gives the borders between groups
// (the départements' outlines drawn over the communes of the map of France).
(function (global) {
  'use strict';

  // Every arc as an array of [lon, lat], decoded once.
  function decodeArcs(topology) {
    var t = topology.transform;
    var sx = t ? t.scale[0] : 1;
    var sy = t ? t.scale[1] : 1;
    var tx = t ? t.translate[0] : 0;
    var ty = t ? t.translate[1] : 0;
    return topology.arcs.map(function (arc) {
      var x = 0;
      var y = 0;
      var out = new Array(arc.length);
      for (var i = 0; i < arc.length; i++) {
        if (t) {
          x += arc[i][0];
          y += arc[i][1];
          out[i] = [x * sx + tx, y * sy + ty];
        } else {
          out[i] = arc[i];
        }
      }
      return out;
    });
  }

  // A ring from arc references (~i: arc i reversed); consecutive arcs share their end point.
  function ring(arcs, refs) {
    var out = [];
    for (var k = 0; k < refs.length; k++) {
      var r = refs[k];
      var a = arcs[r < 0 ? ~r : r];
      var n = a.length;
      for (var i = out.length ? 1 : 0; i < n; i++) out.push(r < 0 ? a[n - 1 - i] : a[i]);
    }
    return out;
  }

  function geometry(arcs, g) {
    if (g.type === 'Polygon') {
      return { type: 'Polygon', coordinates: g.arcs.map(function (r) { return ring(arcs, r); }) };
    }
    if (g.type === 'MultiPolygon') {
      return {
        type: 'MultiPolygon',
        coordinates: g.arcs.map(function (p) { return p.map(function (r) { return ring(arcs, r); }); })
      };
    }
    return null;
  }

  function features(topology, name) {
    var arcs = topology._decoded || (topology._decoded = decodeArcs(topology));
    var object = topology.objects[name];
    return {
      type: 'FeatureCollection',
      features: object.geometries.map(function (g) {
        var properties = g.properties || {};
        if (properties.code === undefined) properties.code = g.id;  // the map of France's are terse
        return { type: 'Feature', id: g.id, properties: properties, geometry: geometry(arcs, g) };
      })
    };
  }

  // The arcs whose two sides satisfy keep(a, b) (b undefined for an arc with one side: the
  // coast, the border), as a GeoJSON MultiLineString.
  function mesh(topology, name, keep) {
    var arcs = topology._decoded || (topology._decoded = decodeArcs(topology));
    var sides = new Array(arcs.length);
    topology.objects[name].geometries.forEach(function (g) {
      var polygons = g.type === 'Polygon' ? [g.arcs] : g.type === 'MultiPolygon' ? g.arcs : [];
      polygons.forEach(function (p) {
        p.forEach(function (refs) {
          refs.forEach(function (r) {
            var i = r < 0 ? ~r : r;
            if (!sides[i]) sides[i] = [g];
            else sides[i].push(g);
          });
        });
      });
    });
    var lines = [];
    for (var i = 0; i < arcs.length; i++) {
      var s = sides[i];
      if (s && keep(s[0], s[1])) lines.push(arcs[i]);
    }
    return { type: 'MultiLineString', coordinates: lines };
  }

  // The binary contours (/api/v1/contours/{zone}?format=binaire, layout in src/refdata/README.md):
  // the same topology as the TopoJSON, as LEB128 integers, read in one pass without JSON.parse
  // nor an object per point or per commune. Returns typed arrays:
  //   codes, noms, departements: arrays of strings; population: Float64Array (one per commune)
  //   anneaux: commune i's rings are anneaux[i] .. anneaux[i + 1] - 1 (its polygons' outer rings
  //     and holes together: the maps fill them even-odd)
  //   refsDebut, refs: ring r's arc references are refs[refsDebut[r] .. refsDebut[r + 1]) (~a: arc a
  //     reversed)
  //   arcsDebut, lonlat: arc a's points are lonlat[2 * arcsDebut[a] .. 2 * arcsDebut[a + 1]), [lon, lat].
  function binaire(buffer) {
    var b = new Uint8Array(buffer);
    if (b.length < 4 || b[0] !== 77 || b[1] !== 67 || b[2] !== 66 || b[3] !== 49) {
      throw new Error('contours binaires illisibles');
    }
    var at = 4;
    // Every value of the format fits in 32 bits.
    function u() {
      var v = 0;
      var shift = 0;
      var c;
      do {
        c = b[at++];
        v |= (c & 127) << shift;
        shift += 7;
      } while (c & 128);
      return v >>> 0;
    }
    function zz(v) { return (v & 1) ? -(v + 1) / 2 : v / 2; }
    var decodeur = new TextDecoder();
    function texte() {
      var n = u();
      var t = decodeur.decode(b.subarray(at, at + n));
      at += n;
      return t;
    }
    var niveau = texte();
    var tolerance = u();
    var q = u() * 1e-5;
    var minX = zz(u());
    var minY = zz(u());
    var maxX = zz(u());
    var maxY = zz(u());
    var n = u();
    var nArcs = u();
    var codes = n ? texte().split('\n') : (texte(), []);
    var noms = n ? texte().split('\n') : (texte(), []);
    var departements = n ? texte().split('\n') : (texte(), []);
    var population = new Float64Array(n);
    var i;
    for (i = 0; i < n; i++) population[i] = u();
    var anneaux = new Int32Array(n + 1);
    var refsDebut = [0];
    var refs = [];
    var vus = 0;  // arcs met so far
    var c;
    var v;
    for (i = 0; i < n; i++) {
      for (var p = u(); p > 0; p--) {
        for (var r = u(); r > 0; r--) {
          for (var k = u(); k > 0; k--) {
            // Inline LEB128: 2 × (arcs met so far − arc) + 1 if reversed.
            v = 0;
            var s = 0;
            do { c = b[at++]; v |= (c & 127) << s; s += 7; } while (c & 128);
            var arc = vus - (v >>> 1);
            if (arc === vus) vus++;
            refs.push((v & 1) ? ~arc : arc);
          }
          refsDebut.push(refs.length);
        }
      }
      anneaux[i + 1] = refsDebut.length - 1;
    }
    // At most one point per two bytes left: sized once, cut to length at the end.
    var lonlat = new Float64Array(b.length - at);
    var arcsDebut = new Int32Array(nArcs + 1);
    var m = 0;
    // Each arc's first point from the previous arc's last one.
    var x = minX;
    var y = minY;
    for (var a = 0; a < nArcs; a++) {
      for (var j = u(); j > 0; j--) {
        v = 0; s = 0;
        do { c = b[at++]; v |= (c & 127) << s; s += 7; } while (c & 128);
        x += (v & 1) ? -((v + 1) >>> 1) : v >>> 1;
        v = 0; s = 0;
        do { c = b[at++]; v |= (c & 127) << s; s += 7; } while (c & 128);
        y += (v & 1) ? -((v + 1) >>> 1) : v >>> 1;
        lonlat[m++] = x * q;
        lonlat[m++] = y * q;
      }
      arcsDebut[a + 1] = m / 2;
    }
    if (at !== b.length) throw new Error('contours binaires : ' + (b.length - at) + ' octets en trop');
    return {
      niveau: niveau, tolerance_m: tolerance, bbox: [minX * q, minY * q, maxX * q, maxY * q],
      n: n, codes: codes, noms: noms, departements: departements, population: population,
      anneaux: anneaux, refsDebut: Int32Array.from(refsDebut), refs: Int32Array.from(refs),
      arcsDebut: arcsDebut, lonlat: lonlat.subarray(0, m)
    };
  }

  global.MaillageTopo = { features: features, mesh: mesh, binaire: binaire };
})(window);
