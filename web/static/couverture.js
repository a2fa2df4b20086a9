// Coverage map of a département: commune cells coloured by CPTS, white zones hatched (an SVG
// pattern in Leaflet's own SVG), overlaps outlined, legend, stage filter, proposals on demand.
// Data: the département's contours (TopoJSON, /api/v1/contours/{dep}) and /api/v1/coverage (the same document the page was built from).
(function () {
  'use strict';

  var el = document.getElementById('carte-couverture');
  if (!el || typeof L === 'undefined') return;
  var etat = document.getElementById('etat-couverture');
  var nombre = new Intl.NumberFormat('fr-FR');
  // Colour-blind-friendly qualitative palette (Okabe-Ito and Tableau), cycled.
  var PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442',
    '#4e79a7', '#59a14f', '#b07aa1', '#9c755f', '#76b7b2'];
  var SVGNS = 'http://www.w3.org/2000/svg';

  var carte = L.map(el, { zoomSnap: 0.25, renderer: L.svg() });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution('Contours des communes : IGN — Admin Express COG 2018');

  var etape = el.dataset.etape || 'toutes';
  var select = document.getElementById('etape-couverture');
  if (select) {
    select.addEventListener('change', function () {
      window.location.href = '/couverture/' + encodeURIComponent(el.dataset.departement) +
        '?etape=' + encodeURIComponent(select.value);
    });
  }
  var dep = document.getElementById('choix-departement-couverture');
  if (dep) {
    dep.addEventListener('change', function () {
      window.location.href = '/couverture/' + encodeURIComponent(dep.value) +
        '?etape=' + encodeURIComponent(etape);
    });
  }

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
  }

  // The hatch pattern lives in the map's own <svg>, so that fill="url(#...)" resolves.
  function addPatterns(svg) {
    var defs = document.createElementNS(SVGNS, 'defs');
    var p = document.createElementNS(SVGNS, 'pattern');
    p.setAttribute('id', 'hachures-zone-blanche');
    p.setAttribute('patternUnits', 'userSpaceOnUse');
    p.setAttribute('width', '8');
    p.setAttribute('height', '8');
    p.setAttribute('patternTransform', 'rotate(45)');
    var fond = document.createElementNS(SVGNS, 'rect');
    fond.setAttribute('width', '8');
    fond.setAttribute('height', '8');
    fond.setAttribute('fill', '#ffffff');
    var trait = document.createElementNS(SVGNS, 'line');
    trait.setAttribute('x1', '0');
    trait.setAttribute('y1', '0');
    trait.setAttribute('x2', '0');
    trait.setAttribute('y2', '8');
    trait.setAttribute('stroke', '#b2182b');
    trait.setAttribute('stroke-width', '3');
    p.appendChild(fond);
    p.appendChild(trait);
    defs.appendChild(p);
    svg.insertBefore(defs, svg.firstChild);
  }

  var couleurs = {};   // territory id -> colour
  var noms = {};       // territory id -> name
  var couche = null;
  var propositionsCouche = null;

  function legende(couverture) {
    var ctl = L.control({ position: 'bottomright' });
    ctl.onAdd = function () {
      // Built with the DOM and CSSOM: the Content-Security-Policy refuses inline style markup.
      var div = L.DomUtil.create('div', 'legende legende-couverture');
      var titre = L.DomUtil.create('h3', '', div);
      titre.textContent = 'CPTS';
      couverture.territoires.forEach(function (t) {
        if (!t.retenu) return;
        var ligne = L.DomUtil.create('div', '', div);
        var pastille = L.DomUtil.create('i', '', ligne);
        pastille.style.background = couleurs[t.id];
        ligne.appendChild(document.createTextNode(t.nom));
      });
      var zb = L.DomUtil.create('div', '', div);
      L.DomUtil.create('i', 'pastille-hachures', zb);
      zb.appendChild(document.createTextNode('Zone blanche'));
      var ch = L.DomUtil.create('div', '', div);
      L.DomUtil.create('i', 'pastille-chevauchement', ch);
      ch.appendChild(document.createTextNode('Chevauchement'));
      return div;
    };
    ctl.addTo(carte);
  }

  function style(couverture) {
    return function (f) {
      var ids = couverture.communes[f.properties.code] || [];
      if (ids.length === 0) {
        return { color: '#7a7a7a', weight: 0.5, fillColor: 'url(#hachures-zone-blanche)', fillOpacity: 0.9 };
      }
      var s = { color: '#4a4a4a', weight: 0.5, fillColor: couleurs[ids[0]], fillOpacity: 0.75 };
      if (ids.length > 1) {
        s.color = '#d7191c';
        s.weight = 2.5;
      }
      return s;
    };
  }

  function listePropositions(doc) {
    var ol = document.getElementById('propositions');
    ol.textContent = '';
    var liste = doc.propositions ? doc.propositions.liste : [];
    if (liste.length === 0) {
      var li = document.createElement('li');
      li.textContent = 'Aucune zone blanche : rien à proposer.';
      ol.appendChild(li);
    }
    liste.forEach(function (p) {
      var li = document.createElement('li');
      var texte;
      if (p.type === 'new_territory') {
        texte = 'Nouveau territoire : ' + p.nombre_communes + ' communes, ' + nombre.format(p.population) + ' hab.';
      } else if (p.type === 'attach') {
        texte = 'Rattacher ' + p.nombre_communes + ' communes (' + nombre.format(p.population) + ' hab.) à ' +
          p.territoire.nom + ' (' + nombre.format(p.territoire.population_avant) + ' → ' +
          nombre.format(p.territoire.population_apres) + ' hab.)';
      } else {
        texte = 'Zone isolée : ' + p.nombre_communes + ' communes, ' + nombre.format(p.population) + ' hab.';
      }
      li.textContent = texte + ' — ' + p.exemples.join(', ');
      ol.appendChild(li);
    });
    ol.hidden = false;
    // Outline each proposal's communes with a dashed border, one colour per proposal.
    if (propositionsCouche) carte.removeLayer(propositionsCouche);
    var parCode = {};
    liste.forEach(function (p, i) {
      (p.communes || []).forEach(function (c) { parCode[c] = i; });
    });
    propositionsCouche = L.geoJSON(couche.toGeoJSON(), {
      filter: function (f) { return parCode[f.properties.code] !== undefined; },
      style: function (f) {
        return { color: PALETTE[parCode[f.properties.code] % PALETTE.length], weight: 2, dashArray: '4 3', fill: false };
      },
      interactive: false
    }).addTo(carte);
    el.dataset.propositions = String(liste.length);
  }

  var bouton = document.getElementById('afficher-propositions');
  if (bouton) {
    bouton.addEventListener('click', function () {
      bouton.disabled = true;
      getJson(el.dataset.couverture + '&etape=' + encodeURIComponent(etape) + '&propositions=1')
        .then(listePropositions)
        .catch(function (err) { etat.textContent = 'Propositions indisponibles (' + err.message + ').'; })
        .then(function () { bouton.disabled = false; });
    });
  }

  function contours(url) {
    return getJson(url).then(function (t) { return MaillageTopo.features(t, 'communes'); });
  }

  Promise.all([contours(el.dataset.cellules), getJson(el.dataset.couverture + '&etape=' + encodeURIComponent(etape))])
    .then(function (res) {
      var cells = res[0];
      var couverture = res[1];
      couverture.territoires.forEach(function (t, i) {
        couleurs[t.id] = PALETTE[i % PALETTE.length];
        noms[t.id] = t.nom;
      });
      couche = L.geoJSON(cells, {
        style: style(couverture),
        onEachFeature: function (f, layer) {
          var ids = couverture.communes[f.properties.code] || [];
          var qui = ids.length ? ids.map(function (id) { return noms[id]; }).join(' + ') : 'zone blanche';
          layer.bindTooltip(f.properties.nom + ' — ' + nombre.format(f.properties.population) + ' hab. — ' + qui, { sticky: true });
          if (ids.length) {
            layer.on('click', function () { window.location.href = '/territoires/' + ids[0]; });
          }
        }
      }).addTo(carte);
      // The SVG exists once the map has a view.
      carte.fitBounds(couche.getBounds());
      addPatterns(el.querySelector('.leaflet-overlay-pane svg'));
      var blanches = 0;
      var chevauchements = 0;
      couche.eachLayer(function (layer) {
        var p = layer.getElement && layer.getElement();
        if (!p) return;
        var code = layer.feature.properties.code;
        var ids = couverture.communes[code] || [];
        p.setAttribute('data-code', code);
        p.setAttribute('role', 'img');
        p.setAttribute('aria-label', layer.feature.properties.nom);
        if (ids.length === 0) { p.setAttribute('data-zone-blanche', '1'); blanches++; }
        if (ids.length > 1) { p.setAttribute('data-chevauchement', '1'); chevauchements++; }
      });
      legende(couverture);
      etat.textContent = cells.features.length + ' communes : ' + blanches + ' en zone blanche, ' +
        chevauchements + ' en chevauchement.';
      el.dataset.etat = 'pret';
    })
    .catch(function (err) {
      etat.textContent = 'Impossible de charger la carte (' + err.message + ').';
      el.dataset.etat = 'erreur';
    });
})();
