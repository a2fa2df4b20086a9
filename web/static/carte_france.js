// The map of France on the observatory: every commune (about 35 000) coloured by its coverage
// (one CPTS, several, none: white zone), the départements outlined, a stage filter. SVG would
// need 35 000 DOM paths and Leaflet's own Canvas renderer one layer each (measured: 3.3 s to
// paint, 9 s from script start under load), so the communes are painted by a small Leaflet layer
// on one canvas, one fill per commune, straight from the topology of the France level
// (/api/v1/contours/france?format=binaire: arcs simplified at 600 m, shared borders stored once,
// read into typed arrays without JSON.parse, projected once); the départements' outlines are the
// arcs between two départements. Zoomed in (past ZOOM_DEPARTEMENT), the départements in view
// are fetched at a finer level of detail and painted instead of their France-level shapes;
// zoomed out, the France level alone again. Hovering names the commune; a click opens the
// coverage map of its département.
(function () {
  'use strict';

  var el = document.getElementById('carte-france');
  if (!el || typeof L === 'undefined' || typeof MaillageTopo === 'undefined') return;
  var etat = document.getElementById('etat-carte-france');
  var choix = document.getElementById('etape-carte-france');
  var nombre = new Intl.NumberFormat('fr-FR');
  var STATUTS = {
    couverte: { couleur: '#0072b2', libelle: 'Couverte par une CPTS' },
    chevauchement: { couleur: '#d55e00', libelle: 'Plusieurs CPTS (chevauchement)' },
    blanche: { couleur: '#f6d3d3', libelle: 'Zone blanche' }
  };
  var ORDRE = ['couverte', 'chevauchement', 'blanche'];
  // Levels of detail by zoom: the France level's 600 m tolerance is about a pixel at zoom 7; the
  // département level's 40 m until zoom 11; past it the source's points (src/refdata/README.md).
  var ZOOM_DEPARTEMENT = 8;
  var ZOOM_COMMUNE = 11;
  // Communes filled per path (measured in tests/browser/coverage.mjs's warm run: painting
  // France took 125-330 ms with 64, 280-520 ms with one path per commune).
  var LOT = 64;
  var debut = performance.now();

  // No zoom animation: the canvas is repainted once the zoom is done.
  var carte = L.map(el, { zoomSnap: 0.25, zoomAnimation: false });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution('Contours des communes : IGN — Admin Express COG 2018');
  // Metropolitan France and Corsica; the overseas départements are drawn too, a pan away.
  carte.fitBounds([[41.3, -5.2], [51.1, 9.6]]);

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
  }

  function getContours(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/octet-stream' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.arrayBuffer();
      });
  }

  var legende = L.control({ position: 'bottomright' });
  legende.onAdd = function () {
    var div = L.DomUtil.create('div', 'legende');
    L.DomUtil.create('h3', '', div).textContent = 'Communes';
    ORDRE.forEach(function (k) {
      var ligne = L.DomUtil.create('div', '', div);
      L.DomUtil.create('i', '', ligne).style.background = STATUTS[k].couleur;
      ligne.appendChild(document.createTextNode(STATUTS[k].libelle));
    });
    return div;
  };
  legende.addTo(carte);

  var communes = {};  // code -> CPTS ids (retained by the filter)

  function statut(code) {
    var ids = communes[code];
    if (!ids || ids.length === 0) return 2;
    return ids.length > 1 ? 1 : 0;
  }

  // A decoded zone (MaillageTopo.binaire) in Web Mercator at zoom 0 (0..1), once: xy holds the
  // arcs' points projected; each commune's bounding box; per arc, how many communes use it and
  // whether they lie in two départements (the départements' borders).
  function preparer(jeu) {
    var ll = jeu.lonlat;
    var xy = new Float64Array(ll.length);
    var k = Math.PI / 180;
    for (var i = 0; i < ll.length; i += 2) {
      xy[i] = (ll[i] + 180) / 360;
      xy[i + 1] = 0.5 - Math.log(Math.tan(Math.PI / 4 + ll[i + 1] * k / 2)) / (2 * Math.PI);
    }
    var nArcs = jeu.arcsDebut.length - 1;
    var arcBornes = new Float64Array(4 * nArcs);
    for (var a = 0; a < nArcs; a++) {
      var x0 = Infinity;
      var y0 = Infinity;
      var x1 = -Infinity;
      var y1 = -Infinity;
      for (var p = 2 * jeu.arcsDebut[a]; p < 2 * jeu.arcsDebut[a + 1]; p += 2) {
        if (xy[p] < x0) x0 = xy[p];
        if (xy[p] > x1) x1 = xy[p];
        if (xy[p + 1] < y0) y0 = xy[p + 1];
        if (xy[p + 1] > y1) y1 = xy[p + 1];
      }
      arcBornes[4 * a] = x0; arcBornes[4 * a + 1] = y0; arcBornes[4 * a + 2] = x1; arcBornes[4 * a + 3] = y1;
    }
    var depIndex = {};
    var depDe = new Int32Array(jeu.n);
    var usages = new Uint8Array(nArcs);
    // The départements on the arc's two sides (cote2: -1 unless it is another one's).
    var cote = new Int32Array(nArcs).fill(-1);
    var cote2 = new Int32Array(nArcs).fill(-1);
    var bornes = new Float64Array(4 * jeu.n);
    var depBornes = {};
    for (var n = 0; n < jeu.n; n++) {
      var dep = jeu.departements[n];
      if (depIndex[dep] === undefined) depIndex[dep] = Object.keys(depIndex).length;
      var d = depDe[n] = depIndex[dep];
      var b0 = Infinity;
      var b1 = Infinity;
      var b2 = -Infinity;
      var b3 = -Infinity;
      for (var r = jeu.anneaux[n]; r < jeu.anneaux[n + 1]; r++) {
        for (var q = jeu.refsDebut[r]; q < jeu.refsDebut[r + 1]; q++) {
          var ref = jeu.refs[q];
          var ai = ref < 0 ? ~ref : ref;
          if (arcBornes[4 * ai] < b0) b0 = arcBornes[4 * ai];
          if (arcBornes[4 * ai + 1] < b1) b1 = arcBornes[4 * ai + 1];
          if (arcBornes[4 * ai + 2] > b2) b2 = arcBornes[4 * ai + 2];
          if (arcBornes[4 * ai + 3] > b3) b3 = arcBornes[4 * ai + 3];
          if (usages[ai] < 255) usages[ai]++;
          if (cote[ai] === -1) cote[ai] = d;
          else if (cote[ai] !== d) cote2[ai] = d;
        }
      }
      bornes[4 * n] = b0; bornes[4 * n + 1] = b1; bornes[4 * n + 2] = b2; bornes[4 * n + 3] = b3;
      var db = depBornes[dep] || (depBornes[dep] = [Infinity, Infinity, -Infinity, -Infinity]);
      if (b0 < db[0]) db[0] = b0;
      if (b1 < db[1]) db[1] = b1;
      if (b2 > db[2]) db[2] = b2;
      if (b3 > db[3]) db[3] = b3;
    }
    // France: the arcs between two départements. A finer zone (one département): its outline,
    // the arcs used once.
    var limites = [];
    for (a = 0; a < nArcs; a++) if (cote2[a] >= 0 || (jeu.niveau !== 'france' && usages[a] === 1)) limites.push(a);
    jeu.xy = xy;
    jeu.bornes = bornes;
    jeu.depBornes = depBornes;
    jeu.depIndex = depIndex;
    jeu.depDe = depDe;
    jeu.cote = cote;
    jeu.cote2 = cote2;
    jeu.limites = limites;
    return jeu;
  }

  function coupe(b, i, u0, v0, u1, v1) {
    return b[i + 2] < u0 || b[i] > u1 || b[i + 3] < v0 || b[i + 1] > v1;
  }

  // The finer zones: key "dep|niveau" -> decoded zone, or a pending promise.
  var fins = {};
  var enCours = 0;

  function niveauPour(zoom) {
    if (zoom >= ZOOM_COMMUNE) return 'commune';
    if (zoom >= ZOOM_DEPARTEMENT) return 'departement';
    return 'france';
  }

  // One canvas over the map, repainted after each move or zoom: one path and one fill per
  // commune, grouped by colour, then one stroke for the départements' borders.
  var Couche = L.Layer.extend({
    initialize: function (france) { this._france = france; this._peints = []; },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'carte-france-canvas');
      map.getPane('overlayPane').appendChild(this._canvas);
      // Leaflet fires moveend after every zoom too: one repaint per change of view.
      map.on('moveend resize', this._changer, this);
      this._changer();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend resize', this._changer, this);
    },
    _vue: function () {
      var map = this._map;
      var k = 256 * Math.pow(2, map.getZoom());
      var min = map.getPixelBounds().min;
      var taille = map.getSize();
      return {
        k: k, ox: min.x, oy: min.y, taille: taille,
        u0: min.x / k, v0: min.y / k, u1: (min.x + taille.x) / k, v1: (min.y + taille.y) / k
      };
    },
    // The départements in view and the level they are wanted at (none at the France level).
    _voulus: function (v) {
      var niveau = niveauPour(this._map.getZoom());
      if (niveau === 'france') return { niveau: niveau, deps: [] };
      var deps = [];
      var db = this._france.depBornes;
      Object.keys(db).forEach(function (dep) {
        if (!coupe(db[dep], 0, v.u0, v.v0, v.u1, v.v1)) deps.push(dep);
      });
      deps.sort();
      return { niveau: niveau, deps: deps };
    },
    // After a move: paint what is here, fetch the finer départements missing, paint again.
    _changer: function () {
      var self = this;
      var voulus = this._voulus(this._vue());
      var manquants = voulus.deps.filter(function (dep) { return !fins[dep + '|' + voulus.niveau]; });
      this._peindre();
      if (manquants.length === 0) return;
      enCours++;
      el.dataset.etat = 'chargement';
      Promise.all(manquants.map(function (dep) {
        var cle = dep + '|' + voulus.niveau;
        fins[cle] = getContours('/api/v1/contours/' + encodeURIComponent(dep) + '?niveau=' + voulus.niveau + '&format=binaire')
          .then(function (buf) { fins[cle] = preparer(MaillageTopo.binaire(buf)); })
          .catch(function (err) { delete fins[cle]; throw err; });
        return fins[cle];
      })).then(function () {
        enCours--;
        self._peindre();
        if (enCours === 0) apresDessin(function () { el.dataset.etat = 'pret'; });
      }).catch(function (err) {
        enCours--;
        etat.textContent = 'Contours détaillés indisponibles (' + err.message + ').';
        el.dataset.etat = 'erreur';
      });
    },
    // The zones painted now: the France level, and the finer départements ready.
    _zones: function (v) {
      var voulus = this._voulus(v);
      var finsPrets = [];
      voulus.deps.forEach(function (dep) {
        var z = fins[dep + '|' + voulus.niveau];
        if (z && !(z instanceof Promise)) finsPrets.push({ dep: dep, jeu: z });
      });
      return { niveau: voulus.niveau, fins: finsPrets };
    },
    _peindre: function () {
      var france = this._france;
      var v = this._vue();
      var canvas = this._canvas;
      var ratio = window.devicePixelRatio || 1;
      canvas.width = v.taille.x * ratio;
      canvas.height = v.taille.y * ratio;
      canvas.style.width = v.taille.x + 'px';
      canvas.style.height = v.taille.y + 'px';
      L.DomUtil.setPosition(canvas, this._map.containerPointToLayerPoint([0, 0]));
      // The view painted (Web Mercator pixels at zoom 0 × k, then the offset), for tests.
      this._map.getContainer().dataset.vue = JSON.stringify({ k: v.k, ox: v.ox, oy: v.oy });
      var ctx = canvas.getContext('2d');
      ctx.setTransform(ratio, 0, 0, ratio, 0, 0);

      var zones = this._zones(v);
      var remplaces = {};  // France-level département index -> painted finer
      zones.fins.forEach(function (f) {
        var i = france.depIndex[f.dep];
        if (i !== undefined) remplaces[i] = true;
      });
      // Communes in view, by colour: [zone, commune index] pairs.
      var parStatut = [[], [], []];
      function retenir(jeu, saute) {
        for (var n = 0; n < jeu.n; n++) {
          if (coupe(jeu.bornes, 4 * n, v.u0, v.v0, v.u1, v.v1)) continue;
          if (saute && saute[jeu.depDe[n]]) continue;
          parStatut[statut(jeu.codes[n])].push(jeu, n);
        }
      }
      retenir(france, remplaces);
      zones.fins.forEach(function (f) { retenir(f.jeu, null); });

      // One path and one fill per LOT communes of a colour: a single path of 35 000 rings took
      // Chromium's software rasteriser 45 s to fill. Communes do not overlap, so filling
      // several even-odd at once paints the same pixels. Points closer than half a pixel to the
      // last one drawn are skipped.
      var points = 0;
      ctx.globalAlpha = 0.85;
      for (var s = 0; s < 3; s++) {
        ctx.fillStyle = STATUTS[ORDRE[s]].couleur;
        var liste = parStatut[s];
        for (var e = 0; e < liste.length; e += 2) {
          var jeu = liste[e];
          var n = liste[e + 1];
          var xy = jeu.xy;
          var refs = jeu.refs;
          if ((e / 2) % LOT === 0) ctx.beginPath();
          for (var r = jeu.anneaux[n]; r < jeu.anneaux[n + 1]; r++) {
            var premier = true;
            var lx = 0;
            var ly = 0;
            for (var q = jeu.refsDebut[r]; q < jeu.refsDebut[r + 1]; q++) {
              var ref = refs[q];
              var a = ref < 0 ? ~ref : ref;
              var d0 = jeu.arcsDebut[a];
              var d1 = jeu.arcsDebut[a + 1] - 1;
              var pas = ref < 0 ? -1 : 1;
              for (var j = ref < 0 ? d1 : d0, fin = ref < 0 ? d0 - 1 : d1 + 1; j !== fin; j += pas) {
                var x = xy[2 * j] * v.k - v.ox;
                var y = xy[2 * j + 1] * v.k - v.oy;
                if (premier) {
                  ctx.moveTo(x, y);
                  premier = false;
                } else if (Math.abs(x - lx) + Math.abs(y - ly) >= 0.5) {
                  ctx.lineTo(x, y);
                } else continue;
                lx = x;
                ly = y;
                points++;
              }
            }
            ctx.closePath();
          }
          if ((e / 2) % LOT === LOT - 1 || e + 2 >= liste.length) ctx.fill('evenodd');
        }
      }
      // The départements' borders: the France level's, except around the finer départements,
      // which bring their own outline.
      ctx.globalAlpha = 0.9;
      ctx.beginPath();
      function tracer(jeu, saute) {
        var xy = jeu.xy;
        jeu.limites.forEach(function (a) {
          if (saute && (saute[jeu.cote[a]] || saute[jeu.cote2[a]])) return;
          for (var j = jeu.arcsDebut[a]; j < jeu.arcsDebut[a + 1]; j++) {
            var x = xy[2 * j] * v.k - v.ox;
            var y = xy[2 * j + 1] * v.k - v.oy;
            if (j === jeu.arcsDebut[a]) ctx.moveTo(x, y); else ctx.lineTo(x, y);
          }
        });
      }
      tracer(france, zones.fins.length ? remplaces : null);
      zones.fins.forEach(function (f) { tracer(f.jeu, null); });
      ctx.strokeStyle = '#3a3a3a';
      ctx.lineWidth = 0.7;
      ctx.stroke();

      var fines = zones.fins.map(function (f) { return f.dep; });
      this._peints = zones.fins;
      el.dataset.niveau = fines.length ? zones.niveau : 'france';
      el.dataset.departementsFins = fines.join(' ');
      el.dataset.pointsPeints = String(points);
      var pointsFins = {};
      zones.fins.forEach(function (f) { pointsFins[f.dep] = f.jeu.lonlat.length / 2; });
      el.dataset.pointsFins = JSON.stringify(pointsFins);
      el.dataset.communesPeintes = String((parStatut[0].length + parStatut[1].length + parStatut[2].length) / 2);
    },
    // The commune under a container point (bounding box, then even-odd ray casting on its arcs),
    // in the finer zones painted first: { code, nom, departement, population } or null.
    communeEn: function (point) {
      var v = this._vue();
      var u = (point.x + v.ox) / v.k;
      var w = (point.y + v.oy) / v.k;
      var zones = this._peints.map(function (f) { return f.jeu; }).concat([this._france]);
      for (var z = 0; z < zones.length; z++) {
        var jeu = zones[z];
        var xy = jeu.xy;
        for (var n = 0; n < jeu.n; n++) {
          var b = jeu.bornes;
          if (u < b[4 * n] || u > b[4 * n + 2] || w < b[4 * n + 1] || w > b[4 * n + 3]) continue;
          var dedans = false;
          for (var r = jeu.anneaux[n]; r < jeu.anneaux[n + 1]; r++) {
            for (var q = jeu.refsDebut[r]; q < jeu.refsDebut[r + 1]; q++) {
              var ref = jeu.refs[q];
              var a = ref < 0 ? ~ref : ref;
              for (var j = 2 * jeu.arcsDebut[a]; j + 3 < 2 * jeu.arcsDebut[a + 1]; j += 2) {
                var ya = xy[j + 1];
                var yb = xy[j + 3];
                if ((ya > w) !== (yb > w) && u < (xy[j + 2] - xy[j]) * (w - ya) / (yb - ya) + xy[j]) dedans = !dedans;
              }
            }
          }
          if (dedans) {
            return { code: jeu.codes[n], nom: jeu.noms[n], departement: jeu.departements[n], population: jeu.population[n] };
          }
        }
      }
      return null;
    }
  });

  var couche = null;

  function resume() {
    var n = [0, 0, 0];
    var france = couche._france;
    for (var i = 0; i < france.n; i++) n[statut(france.codes[i])]++;
    var total = france.n;
    etat.textContent = nombre.format(total) + ' communes : ' +
      nombre.format(n[0] + n[1]) + ' couvertes (dont ' + nombre.format(n[1]) +
      ' en chevauchement), ' + nombre.format(n[2]) + ' en zone blanche.';
    el.dataset.communes = String(total);
    el.dataset.zonesBlanches = String(n[2]);
  }

  function couverture(etape) {
    return getJson('/api/v1/coverage?niveau=france&communes=1&etape=' + encodeURIComponent(etape));
  }

  // Marks the map ready once the frame holding the painted canvas has been shown.
  function apresDessin(fn) {
    requestAnimationFrame(function () { requestAnimationFrame(fn); });
  }

  var tempsContours = 0;
  var contours = getContours(el.dataset.contours).then(function (buf) {
    tempsContours = performance.now() - debut;
    return buf;
  });
  Promise.all([contours, couverture('toutes')])
    .then(function (res) {
      var doc = res[1];
      communes = doc.communes || {};
      (doc.filtres || []).forEach(function (f) {
        var o = document.createElement('option');
        o.value = f.id;
        o.textContent = f.libelle;
        if (f.choisi) o.selected = true;
        choix.appendChild(o);
      });
      var t0 = performance.now();
      var france = preparer(MaillageTopo.binaire(res[0]));
      var t1 = performance.now();
      couche = new Couche(france).addTo(carte);
      var t2 = performance.now();
      var bulle = null;
      carte.on('mousemove', function (e) {
        var c = couche.communeEn(e.containerPoint);
        if (!c) { if (bulle) { carte.closeTooltip(bulle); bulle = null; } return; }
        var ids = communes[c.code] || [];
        var texte = c.nom + ' (' + c.departement + ') — ' + nombre.format(c.population) +
          ' hab. — ' + (ids.length === 0 ? 'zone blanche' : ids.length + ' CPTS');
        if (!bulle) bulle = L.tooltip({ direction: 'top', offset: [0, -6] });
        bulle.setLatLng(e.latlng).setContent(texte);
        if (!carte.hasLayer(bulle)) bulle.addTo(carte);
      });
      carte.on('click', function (e) {
        var c = couche.communeEn(e.containerPoint);
        if (c) window.location.href = '/couverture/' + encodeURIComponent(c.departement);
      });
      resume();
      apresDessin(function () {
        var fin = performance.now();
        el.dataset.mesures = JSON.stringify({
          contours_ms: Math.round(tempsContours), decodage_ms: Math.round(t1 - t0),
          dessin_ms: Math.round(t2 - t1), affiche_ms: Math.round(fin - t1), total_ms: Math.round(fin - debut)
        });
        if (enCours === 0) el.dataset.etat = 'pret';
      });
    })
    .catch(function (err) {
      etat.textContent = 'Impossible de charger la carte (' + err.message + ').';
      el.dataset.etat = 'erreur';
    });

  choix.addEventListener('change', function () {
    el.dataset.etat = 'chargement';
    couverture(choix.value).then(function (doc) {
      communes = doc.communes || {};
      couche._peindre();
      resume();
      apresDessin(function () { if (enCours === 0) el.dataset.etat = 'pret'; });
    }).catch(function (err) {
      etat.textContent = 'Couverture indisponible (' + err.message + ').';
      el.dataset.etat = 'erreur';
    });
  });
})();
