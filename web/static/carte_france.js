// The map of France on the observatory: every commune (about 35 000) coloured by its coverage
// (one CPTS, several, none: white zone), the départements outlined, a stage filter. SVG would
// need 35 000 DOM paths and Leaflet's own Canvas renderer one layer each (measured: 3.3 s to
// paint, 9 s from script start under load), so the communes are painted by a small Leaflet layer
// on one canvas, one fill per commune, straight from the topology of the France
// level (/api/v1/contours/france: arcs simplified at 600 m, shared borders stored once,
// projected once); the départements' outlines are the arcs between two départements. Hovering
// names the commune; a click opens the coverage map of its département, drawn at the
// département level of detail.
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

  var legende = L.control({ position: 'bottomright' });
  legende.onAdd = function () {
    var div = L.DomUtil.create('div', 'legende');
    L.DomUtil.create('h3', '', div).textContent = 'Communes';
    Object.keys(STATUTS).forEach(function (k) {
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
    if (!ids || ids.length === 0) return 'blanche';
    return ids.length > 1 ? 'chevauchement' : 'couverte';
  }

  function departementDe(g) {
    return g.properties.departement || (g.id.slice(0, 2) === '97' ? g.id.slice(0, 3) : g.id.slice(0, 2));
  }

  // The topology in Web Mercator at zoom 0 (0..1), once: each arc a Float64Array of u, v.
  // Drawing then walks each commune's arc references, so shared borders are never copied.
  function preparer(topo) {
    var t = topo.transform;
    var k = Math.PI / 180;
    var arcs = topo.arcs.map(function (arc) {
      var a = new Float64Array(arc.length * 2);
      var x = 0;
      var y = 0;
      for (var i = 0; i < arc.length; i++) {
        x += arc[i][0];
        y += arc[i][1];
        var lat = y * t.scale[1] + t.translate[1];
        a[2 * i] = (x * t.scale[0] + t.translate[0] + 180) / 360;
        a[2 * i + 1] = 0.5 - Math.log(Math.tan(Math.PI / 4 + lat * k / 2)) / (2 * Math.PI);
      }
      return a;
    });
    var geometries = topo.objects.communes.geometries.filter(function (g) { return g.arcs && g.arcs.length; });
    var cote = new Array(arcs.length);  // arc -> département of its first side, or '' once shared across départements
    var bornes = geometries.map(function (g) {
      var b = [Infinity, Infinity, -Infinity, -Infinity];
      var dep = departementDe(g);
      g.arcs.forEach(function (p) {
        p.forEach(function (refs) {
          refs.forEach(function (r) {
            var i = r < 0 ? ~r : r;
            var a = arcs[i];
            for (var j = 0; j < a.length; j += 2) {
              if (a[j] < b[0]) b[0] = a[j];
              if (a[j] > b[2]) b[2] = a[j];
              if (a[j + 1] < b[1]) b[1] = a[j + 1];
              if (a[j + 1] > b[3]) b[3] = a[j + 1];
            }
            if (cote[i] === undefined) cote[i] = dep;
            else if (cote[i] !== dep) cote[i] = '';
          });
        });
      });
      return b;
    });
    var limites = [];
    for (var i = 0; i < arcs.length; i++) if (cote[i] === '') limites.push(i);
    return { arcs: arcs, geometries: geometries, bornes: bornes, limites: limites };
  }

  // One canvas over the map, repainted after each move or zoom: three fills (one path per
  // colour) and one stroke for the départements' borders.
  var Couche = L.Layer.extend({
    initialize: function (donnees) { this._d = donnees; },
    onAdd: function (map) {
      this._canvas = L.DomUtil.create('canvas', 'carte-france-canvas');
      map.getPane('overlayPane').appendChild(this._canvas);
      map.on('moveend zoomend resize', this._peindre, this);
      this._peindre();
    },
    onRemove: function (map) {
      L.DomUtil.remove(this._canvas);
      map.off('moveend zoomend resize', this._peindre, this);
    },
    _vue: function () {
      var map = this._map;
      var k = 256 * Math.pow(2, map.getZoom());
      var min = map.getPixelBounds().min;
      return { k: k, ox: min.x, oy: min.y, taille: map.getSize() };
    },
    _peindre: function () {
      var d = this._d;
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
      var u0 = v.ox / v.k;
      var v0 = v.oy / v.k;
      var u1 = (v.ox + v.taille.x) / v.k;
      var v1 = (v.oy + v.taille.y) / v.k;
      var parStatut = { couverte: [], chevauchement: [], blanche: [] };
      d.geometries.forEach(function (g, n) {
        var b = d.bornes[n];
        if (b[2] < u0 || b[0] > u1 || b[3] < v0 || b[1] > v1) return;
        parStatut[statut(g.id)].push(g);
      });
      // One path and one fill per commune: a single path of 35 000 rings took Chromium's
      // software rasteriser 45 s to fill.
      ctx.globalAlpha = 0.85;
      Object.keys(parStatut).forEach(function (s) {
        ctx.fillStyle = STATUTS[s].couleur;
        parStatut[s].forEach(function (g) {
          ctx.beginPath();
          g.arcs.forEach(function (p) {
            p.forEach(function (refs) {
              var premier = true;
              refs.forEach(function (r) {
                var a = d.arcs[r < 0 ? ~r : r];
                var n = a.length / 2;
                for (var j = 0; j < n; j++) {
                  var q = r < 0 ? n - 1 - j : j;
                  var x = a[2 * q] * v.k - v.ox;
                  var y = a[2 * q + 1] * v.k - v.oy;
                  if (premier) { ctx.moveTo(x, y); premier = false; } else ctx.lineTo(x, y);
                }
              });
              ctx.closePath();
            });
          });
          ctx.fill('evenodd');
        });
      });
      ctx.globalAlpha = 0.9;
      ctx.beginPath();
      d.limites.forEach(function (i) {
        var a = d.arcs[i];
        for (var j = 0; j < a.length; j += 2) {
          var x = a[j] * v.k - v.ox;
          var y = a[j + 1] * v.k - v.oy;
          if (j === 0) ctx.moveTo(x, y); else ctx.lineTo(x, y);
        }
      });
      ctx.strokeStyle = '#3a3a3a';
      ctx.lineWidth = 0.7;
      ctx.stroke();
    },
    // The commune under a container point (bounding box, then even-odd ray casting on its arcs).
    communeEn: function (point) {
      var d = this._d;
      var v = this._vue();
      var u = (point.x + v.ox) / v.k;
      var w = (point.y + v.oy) / v.k;
      for (var n = 0; n < d.geometries.length; n++) {
        var b = d.bornes[n];
        if (u < b[0] || u > b[2] || w < b[1] || w > b[3]) continue;
        var dedans = false;
        d.geometries[n].arcs.forEach(function (p) {
          p.forEach(function (refs) {
            refs.forEach(function (r) {
              var a = d.arcs[r < 0 ? ~r : r];
              for (var j = 0; j + 3 < a.length; j += 2) {
                var ya = a[j + 1];
                var yb = a[j + 3];
                if ((ya > w) !== (yb > w) && u < (a[j + 2] - a[j]) * (w - ya) / (yb - ya) + a[j]) dedans = !dedans;
              }
            });
          });
        });
        if (dedans) return d.geometries[n];
      }
      return null;
    }
  });

  var couche = null;

  function resume() {
    var n = { couverte: 0, chevauchement: 0, blanche: 0 };
    couche._d.geometries.forEach(function (g) { n[statut(g.id)]++; });
    var total = couche._d.geometries.length;
    etat.textContent = nombre.format(total) + ' communes : ' +
      nombre.format(n.couverte + n.chevauchement) + ' couvertes (dont ' + nombre.format(n.chevauchement) +
      ' en chevauchement), ' + nombre.format(n.blanche) + ' en zone blanche.';
    el.dataset.communes = String(total);
    el.dataset.zonesBlanches = String(n.blanche);
  }

  function couverture(etape) {
    return getJson('/api/v1/coverage?niveau=france&communes=1&etape=' + encodeURIComponent(etape));
  }

  // Marks the map ready once the frame holding the painted canvas has been shown.
  function apresDessin(fn) {
    requestAnimationFrame(function () { requestAnimationFrame(fn); });
  }

  var tempsContours = 0;
  var contours = getJson(el.dataset.contours).then(function (t) {
    tempsContours = performance.now() - debut;
    return t;
  });
  Promise.all([contours, couverture('toutes')])
    .then(function (res) {
      var topologie = res[0];
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
      var donnees = preparer(topologie);
      var t1 = performance.now();
      couche = new Couche(donnees).addTo(carte);
      var t2 = performance.now();
      var bulle = null;
      carte.on('mousemove', function (e) {
        var g = couche.communeEn(e.containerPoint);
        if (!g) { if (bulle) { carte.closeTooltip(bulle); bulle = null; } return; }
        var ids = communes[g.id] || [];
        var texte = g.properties.nom + ' (' + departementDe(g) + ') — ' + nombre.format(g.properties.population) +
          ' hab. — ' + (ids.length === 0 ? 'zone blanche' : ids.length + ' CPTS');
        if (!bulle) bulle = L.tooltip({ direction: 'top', offset: [0, -6] });
        bulle.setLatLng(e.latlng).setContent(texte);
        if (!carte.hasLayer(bulle)) bulle.addTo(carte);
      });
      carte.on('click', function (e) {
        var g = couche.communeEn(e.containerPoint);
        if (g) window.location.href = '/couverture/' + encodeURIComponent(departementDe(g));
      });
      resume();
      apresDessin(function () {
        var fin = performance.now();
        el.dataset.mesures = JSON.stringify({
          contours_ms: Math.round(tempsContours), decodage_ms: Math.round(t1 - t0),
          dessin_ms: Math.round(t2 - t1), affiche_ms: Math.round(fin - t1), total_ms: Math.round(fin - debut)
        });
        el.dataset.etat = 'pret';
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
      apresDessin(function () { el.dataset.etat = 'pret'; });
    }).catch(function (err) {
      etat.textContent = 'Couverture indisponible (' + err.message + ').';
      el.dataset.etat = 'erreur';
    });
  });
})();
