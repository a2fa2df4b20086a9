// The map of France on the observatory: every commune (about 35 000) coloured by its coverage
// (one CPTS, several, none: white zone), the départements outlined, a stage filter. At this scale
// SVG would need 35 000 DOM paths, so the communes are drawn on one canvas (Leaflet's Canvas
// renderer) from the France level of the contours (/api/v1/contours/france: arcs simplified at
// 500 m, shared borders stored once); the départements' outlines are the arcs between two
// départements, taken from the same topology. A click opens the coverage map of the commune's
// département, which draws it at the département level of detail.
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

  var carte = L.map(el, { zoomSnap: 0.25, preferCanvas: true });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution('Contours des communes : IGN — Admin Express COG 2018');
  // Metropolitan France and Corsica; the overseas départements are drawn too, a pan away.
  carte.fitBounds([[41.3, -5.2], [51.1, 9.6]]);
  var rendu = L.canvas({ padding: 0.1 });

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
  var couche = null;

  function statut(code) {
    var ids = communes[code];
    if (!ids || ids.length === 0) return 'blanche';
    return ids.length > 1 ? 'chevauchement' : 'couverte';
  }

  function style(f) {
    return { stroke: false, fillColor: STATUTS[statut(f.properties.code)].couleur, fillOpacity: 0.85 };
  }

  function resume() {
    var n = { couverte: 0, chevauchement: 0, blanche: 0 };
    couche.eachLayer(function (layer) { n[statut(layer.feature.properties.code)]++; });
    etat.textContent = nombre.format(couche.getLayers().length) + ' communes : ' +
      nombre.format(n.couverte + n.chevauchement) + ' couvertes (dont ' + nombre.format(n.chevauchement) +
      ' en chevauchement), ' + nombre.format(n.blanche) + ' en zone blanche.';
    el.dataset.communes = String(couche.getLayers().length);
    el.dataset.zonesBlanches = String(n.blanche);
  }

  function couverture(etape) {
    return getJson('/api/v1/coverage?niveau=france&communes=1&etape=' + encodeURIComponent(etape));
  }

  // Marks the map ready once the canvas has been painted (Leaflet draws on the next frame).
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
      var fc = MaillageTopo.features(topologie, 'communes');
      var limites = MaillageTopo.mesh(topologie, 'communes', function (a, b) {
        return b !== undefined && a.properties.departement !== b.properties.departement;
      });
      var t1 = performance.now();
      couche = L.geoJSON(fc, { renderer: rendu, style: style }).addTo(carte);
      L.geoJSON(limites, {
        renderer: rendu, interactive: false, style: { color: '#3a3a3a', weight: 0.7, opacity: 0.9 }
      }).addTo(carte);
      couche.bindTooltip(function (layer) {
        var p = layer.feature.properties;
        var ids = communes[p.code] || [];
        return p.nom + ' (' + p.departement + ') — ' + nombre.format(p.population) + ' hab. — ' +
          (ids.length === 0 ? 'zone blanche' : ids.length + ' CPTS');
      }, { sticky: true });
      couche.on('click', function (e) {
        window.location.href = '/couverture/' + encodeURIComponent(e.layer.feature.properties.departement);
      });
      resume();
      apresDessin(function () {
        var fin = performance.now();
        el.dataset.mesures = JSON.stringify({
          contours_ms: Math.round(tempsContours), decodage_ms: Math.round(t1 - t0),
          dessin_ms: Math.round(fin - t1), total_ms: Math.round(fin - debut)
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
      couche.setStyle(style);
      resume();
      apresDessin(function () { el.dataset.etat = 'pret'; });
    }).catch(function (err) {
      etat.textContent = 'Couverture indisponible (' + err.message + ').';
      el.dataset.etat = 'erreur';
    });
  });
})();
