// Diagnostic page: the map of the territory's communes coloured by accessibility (Leaflet over
// the départements' contours, /api/v1/contours/{code}) and the chart of densities compared
// with the département, the région and France (Chart.js), both from /api/v1/diagnostics. The
// tables are rendered by the server; this script only adds the pictures.
(function () {
  'use strict';

  var section = document.getElementById('diagnostic');
  if (!section) return;
  var etat = document.getElementById('etat-carte-diagnostic');
  var nombre = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 2 });
  var seuil = parseFloat(section.dataset.seuil);
  if (!isFinite(seuil)) seuil = 2.5;

  // Accessibility classes (consultations per inhabitant and year): red under the threshold,
  // then lighter to darker green.
  function classes() {
    return [
      { max: seuil * 0.6, couleur: '#b2182b', libelle: 'moins de ' + nombre.format(seuil * 0.6) },
      { max: seuil, couleur: '#ef8a62', libelle: nombre.format(seuil * 0.6) + ' à ' + nombre.format(seuil) + ' (sous le seuil)' },
      { max: seuil * 1.4, couleur: '#d9f0d3', libelle: nombre.format(seuil) + ' à ' + nombre.format(seuil * 1.4) },
      { max: seuil * 2, couleur: '#7fbf7b', libelle: nombre.format(seuil * 1.4) + ' à ' + nombre.format(seuil * 2) },
      { max: Infinity, couleur: '#1b7837', libelle: nombre.format(seuil * 2) + ' et plus' }
    ];
  }
  var CLASSES = classes();
  function couleur(apl) {
    if (apl === null || apl === undefined) return '#cccccc';
    for (var i = 0; i < CLASSES.length; i++) {
      if (apl < CLASSES[i].max) return CLASSES[i].couleur;
    }
    return CLASSES[CLASSES.length - 1].couleur;
  }

  function json(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
  }

  function carte(diag) {
    var el = document.getElementById('carte-diagnostic');
    if (!el || typeof L === 'undefined') return Promise.resolve();
    var apl = {};
    diag.accessibilite.communes.forEach(function (c) { apl[c.code] = c; });
    var map = L.map(el, { zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.attributionControl.addAttribution('Contours des communes : IGN — Admin Express COG 2018 ; APL : calcul Maillage');
    var legende = L.control({ position: 'bottomright' });
    legende.onAdd = function () {
      // DOM and CSSOM only: the Content-Security-Policy refuses inline style attributes.
      var div = L.DomUtil.create('div', 'legende');
      L.DomUtil.create('h3', '', div).textContent = 'APL (consult./hab./an)';
      CLASSES.forEach(function (c) {
        var ligne = L.DomUtil.create('div', '', div);
        L.DomUtil.create('i', '', ligne).style.background = c.couleur;
        ligne.appendChild(document.createTextNode(c.libelle));
      });
      return div;
    };
    legende.addTo(map);
    return Promise.all(diag.departements.map(function (d) {
      return json('/api/v1/contours/' + encodeURIComponent(d) + '?niveau=departement')
        .then(function (t) { return MaillageTopo.features(t, 'communes'); });
    })).then(function (collections) {
      var dedans = L.featureGroup();
      var autour = L.featureGroup();
      collections.forEach(function (col) {
        L.geoJSON(col, {
          style: function (f) {
            var c = apl[f.properties.code];
            return c ? { color: '#333', weight: 0.8, fillColor: couleur(c.apl), fillOpacity: 0.9 }
                     : { color: '#bbb', weight: 0.3, fillColor: '#f4f4f4', fillOpacity: 0.6 };
          },
          onEachFeature: function (f, layer) {
            var c = apl[f.properties.code];
            if (c) {
              layer.bindTooltip(c.nom + ' — ' + nombre.format(c.population) + ' hab. — APL ' +
                (c.apl === null ? 'non calculée' : nombre.format(c.apl)), { sticky: true });
              layer.addTo(dedans);
            } else {
              layer.addTo(autour);
            }
          }
        });
      });
      autour.addTo(map);
      dedans.addTo(map);
      if (dedans.getLayers().length > 0) map.fitBounds(dedans.getBounds());
      else if (autour.getLayers().length > 0) map.fitBounds(autour.getBounds());
      dedans.eachLayer(function (layer) {
        var p = layer.getElement && layer.getElement();
        if (p) {
          p.setAttribute('data-code', layer.feature.properties.code);
          p.classList.add('commune-territoire');
        }
      });
      el.setAttribute('data-etat', 'pret');
      if (etat) etat.textContent = dedans.getLayers().length + ' communes du territoire sur la carte.';
    });
  }

  function graphique(diag) {
    var canvas = document.getElementById('graphique-densites');
    if (!canvas || typeof Chart === 'undefined') return;
    var lignes = diag.professions.filter(function (p) {
      return p.territoire && p.territoire.effectif > 0 || (p.departement && p.departement.effectif > 0);
    });
    var jeux = [
      { cle: 'territoire', libelle: 'Territoire', couleur: '#1f4e79' },
      { cle: 'departement', libelle: diag.comparaisons.departement ? diag.comparaisons.departement.nom : 'Département', couleur: '#6baed6' },
      { cle: 'region', libelle: diag.comparaisons.region ? diag.comparaisons.region.nom : 'Région', couleur: '#bdd7e7' },
      { cle: 'france', libelle: 'France', couleur: '#969696' }
    ];
    new Chart(canvas, {
      type: 'bar',
      data: {
        labels: lignes.map(function (p) { return p.libelle; }),
        datasets: jeux.map(function (j) {
          return {
            label: j.libelle,
            backgroundColor: j.couleur,
            data: lignes.map(function (p) { return p[j.cle] && p[j.cle].densite !== null ? p[j.cle].densite : null; })
          };
        })
      },
      options: {
        indexAxis: 'y',
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { position: 'bottom' } },
        scales: { x: { title: { display: true, text: 'pour 10 000 habitants' } } }
      }
    });
    canvas.setAttribute('data-pret', '1');
  }

  json(section.dataset.api)
    .then(function (diag) {
      graphique(diag);
      return carte(diag);
    })
    .catch(function (e) {
      if (etat) etat.textContent = 'Carte indisponible : ' + e.message;
    });
})();
