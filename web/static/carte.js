// Map of a département's communes: Leaflet on vector layers (SVG paths, no tile server), shapes
// coloured by population class with a legend; a click on a cell opens the commune's page.
// Shapes: the département's TopoJSON at the département level of detail (topojson.js).
(function () {
  'use strict';

  var el = document.getElementById('carte');
  if (!el || typeof L === 'undefined') return;
  var etat = document.getElementById('etat-carte');

  // Population classes (upper bounds exclusive), light to dark.
  var CLASSES = [
    { max: 500, couleur: '#fff5eb', libelle: 'moins de 500' },
    { max: 2000, couleur: '#fdd0a2', libelle: '500 à 2 000' },
    { max: 5000, couleur: '#fdae6b', libelle: '2 000 à 5 000' },
    { max: 20000, couleur: '#fd8d3c', libelle: '5 000 à 20 000' },
    { max: 50000, couleur: '#e6550d', libelle: '20 000 à 50 000' },
    { max: Infinity, couleur: '#a63603', libelle: '50 000 et plus' }
  ];
  function couleur(population) {
    for (var i = 0; i < CLASSES.length; i++) {
      if (population < CLASSES[i].max) return CLASSES[i].couleur;
    }
    return CLASSES[CLASSES.length - 1].couleur;
  }
  var nombre = new Intl.NumberFormat('fr-FR');

  var carte = L.map(el, { zoomSnap: 0.25 });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution('Contours des communes : IGN — Admin Express COG 2018');

  var legende = L.control({ position: 'bottomright' });
  legende.onAdd = function () {
    // Built with the DOM and CSSOM: the page's Content-Security-Policy refuses inline style
    // attributes in markup.
    var div = L.DomUtil.create('div', 'legende');
    var titre = L.DomUtil.create('h3', '', div);
    titre.textContent = 'Population';
    CLASSES.forEach(function (c) {
      var ligne = L.DomUtil.create('div', '', div);
      var pastille = L.DomUtil.create('i', '', ligne);
      pastille.style.background = c.couleur;
      ligne.appendChild(document.createTextNode(c.libelle));
    });
    return div;
  };
  legende.addTo(carte);

  var select = document.getElementById('choix-departement');
  if (select) {
    select.addEventListener('change', function () {
      window.location.href = '/carte/' + encodeURIComponent(select.value);
    });
  }

  fetch(el.dataset.cellules, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
    .then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.json();
    })
    .then(function (topology) { return MaillageTopo.features(topology, 'communes'); })
    .then(function (collection) {
      var couche = L.geoJSON(collection, {
        style: function (f) {
          return { color: '#5b5b5b', weight: 0.6, fillColor: couleur(f.properties.population), fillOpacity: 0.85 };
        },
        onEachFeature: function (f, layer) {
          layer.bindTooltip(f.properties.nom + ' — ' + nombre.format(f.properties.population) + ' hab. — ' +
            nombre.format(f.properties.superficie_km2) + ' km² — ' + nombre.format(Math.round(f.properties.densite)) +
            ' hab./km²', { sticky: true });
          layer.on('click', function () {
            window.location.href = '/communes/' + encodeURIComponent(f.properties.code);
          });
          layer.on('mouseover', function () { layer.setStyle({ weight: 2, color: '#1d2433' }); });
          layer.on('mouseout', function () { couche.resetStyle(layer); });
        }
      }).addTo(carte);
      // The paths exist once the map has a view.
      carte.fitBounds(couche.getBounds());
      // Each cell's SVG path names its commune, for assistive technologies and the browser test.
      couche.eachLayer(function (layer) {
        var p = layer.getElement && layer.getElement();
        if (p) {
          p.setAttribute('data-code', layer.feature.properties.code);
          p.setAttribute('role', 'img');
          p.setAttribute('aria-label', layer.feature.properties.nom);
        }
      });
      etat.textContent = collection.features.length + ' communes affichées.';
      el.dataset.etat = 'pret';
    })
    .catch(function (err) {
      etat.textContent = 'Impossible de charger la carte (' + err.message + ').';
      el.dataset.etat = 'erreur';
    });
})();
