// Sectors page: the communes of a département coloured by sector, the computation in the
// background with its progress, hand moves (a commune carries its whole CPTS territory) checked
// live by the server (/sectors/evaluation), names and referents of each sector, and saving a new
// version. Data: the département's contours (TopoJSON) and /api/v1/departements/{dep}/sectors.
(function () {
  'use strict';

  var el = document.getElementById('carte-secteurs');
  if (!el || typeof L === 'undefined') return;
  var etat = document.getElementById('etat-secteurs');
  var avancement = document.getElementById('avancement-secteurs');
  var nombre = new Intl.NumberFormat('fr-FR');
  var decimal = new Intl.NumberFormat('fr-FR', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
  var PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442',
    '#4e79a7', '#59a14f', '#b07aa1', '#9c755f', '#76b7b2'];
  var csrf = el.dataset.csrf;
  var modifiable = el.dataset.modifiable === '1';
  var base = '/api/v1/departements/' + encodeURIComponent(el.dataset.departement) + '/sectors';

  var espace = null;       // the workspace document
  var affectation = {};    // INSEE code -> sector (1..k)
  var k = 0;
  var reglages = null;     // settings of the assignment shown
  var borne = null;        // proven bound of an untouched proposal
  var couche = null;
  var carte = L.map(el, { zoomSnap: 0.25, renderer: L.svg() });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution('Communes : référentiel Maillage');

  var choixDep = document.getElementById('choix-departement-secteurs');
  if (choixDep) {
    choixDep.addEventListener('change', function () {
      window.location.href = '/secteurs/' + encodeURIComponent(choixDep.value);
    });
  }

  function requete(methode, url, corps) {
    var init = { method: methode, credentials: 'same-origin', headers: { Accept: 'application/json' } };
    if (corps !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.headers['X-CSRF-Token'] = csrf;
      init.body = JSON.stringify(corps);
    }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (doc) {
        if (!r.ok) throw new Error(doc.message || ('erreur ' + r.status));
        return doc;
      });
    });
  }

  function valeur(id) { return parseInt(document.getElementById(id).value, 10) || 0; }

  function lireReglages() {
    return {
      nombre_secteurs: valeur('nombre-secteurs'),
      poids_population: valeur('poids-population'),
      poids_structures: valeur('poids-structures'),
      poids_professionnels: valeur('poids-professionnels'),
      tolerance_pourcent: valeur('tolerance')
    };
  }

  function unites() { return espace ? espace.communes : []; }
  function uniteDe(code) {
    var u = unites();
    for (var i = 0; i < u.length; i++) if (u[i].code === code) return u[i];
    return null;
  }

  function couleur(code) {
    var s = affectation[code];
    return s ? PALETTE[(s - 1) % PALETTE.length] : '#dddddd';
  }

  function peindre() {
    if (!couche) return;
    couche.eachLayer(function (layer) {
      var code = layer.feature.properties.code;
      layer.setStyle({ fillColor: couleur(code) });
      var p = layer.getElement && layer.getElement();
      if (p) p.setAttribute('data-secteur', affectation[code] || '');
    });
  }

  function listeAffectation() {
    return Object.keys(affectation).map(function (code) {
      return { code: code, secteur: affectation[code] };
    });
  }

  function tableau(evaluation) {
    var corps = document.querySelector('#tableau-secteurs tbody');
    corps.textContent = '';
    evaluation.secteurs.forEach(function (s, i) {
      var tr = document.createElement('tr');
      var nom = s.nom || (champNom(i) ? champNom(i).value : '');
      var cellules = [s.secteur + '. ' + nom, decimal.format(s.charge_pourcent) + ' %',
        nombre.format(s.population), String(s.communes), String(s.structures),
        s.referent ? s.referent.nom : '', s.suppleant ? s.suppleant.nom : ''];
      cellules.forEach(function (texte, j) {
        var td = document.createElement('td');
        td.textContent = texte;
        if (j === 1 && !s.dans_la_fourchette) td.className = 'hors-fourchette';
        tr.appendChild(td);
      });
      corps.appendChild(tr);
    });
    var ul = document.getElementById('problemes-secteurs');
    ul.textContent = '';
    evaluation.problemes.forEach(function (p) {
      var li = document.createElement('li');
      li.textContent = p;
      ul.appendChild(li);
    });
    etat.textContent = k + ' secteurs, charge admise de ' + decimal.format(evaluation.charge_min_pourcent) +
      ' % à ' + decimal.format(evaluation.charge_max_pourcent) + ' % ; ' +
      evaluation.liaisons_coupees + ' paires de communes voisines séparées par une frontière de secteur.';
    var bouton = document.getElementById('enregistrer-secteurs');
    if (bouton) bouton.disabled = !evaluation.valide;
    el.dataset.valide = evaluation.valide ? '1' : '0';
  }

  function champNom(i) { return document.getElementById('nom-secteur-' + (i + 1)); }

  function options(select, choisi) {
    var vide = document.createElement('option');
    vide.value = '0';
    vide.textContent = '— personne —';
    select.appendChild(vide);
    espace.referents_possibles.forEach(function (p) {
      var o = document.createElement('option');
      o.value = String(p.id);
      o.textContent = p.nom;
      if (choisi && choisi.id === p.id) o.selected = true;
      select.appendChild(o);
    });
  }

  // Names and referents of each sector: kept from the plan in force when k is unchanged.
  function panneauReferents() {
    var div = document.getElementById('referents-secteurs');
    if (!div) return;
    div.textContent = '';
    var anciens = espace.plan ? espace.plan.evaluation.secteurs : [];
    var dest = document.getElementById('secteur-destination');
    dest.textContent = '';
    for (var i = 0; i < k; i++) {
      var ancien = anciens[i] || {};
      var bloc = document.createElement('div');
      bloc.className = 'referent-secteur';
      var titre = document.createElement('p');
      var pastille = document.createElement('i');
      pastille.style.background = PALETTE[i % PALETTE.length];
      titre.appendChild(pastille);
      titre.appendChild(document.createTextNode('Secteur ' + (i + 1)));
      bloc.appendChild(titre);
      var lNom = document.createElement('label');
      lNom.textContent = 'Nom ';
      var nom = document.createElement('input');
      nom.id = 'nom-secteur-' + (i + 1);
      nom.maxLength = 80;
      nom.required = true;
      nom.value = ancien.nom || ('Secteur ' + (i + 1));
      lNom.appendChild(nom);
      bloc.appendChild(lNom);
      [['referent', 'Référent'], ['suppleant', 'Suppléant']].forEach(function (r) {
        var l = document.createElement('label');
        l.textContent = r[1] + ' ';
        var sel = document.createElement('select');
        sel.id = r[0] + '-secteur-' + (i + 1);
        options(sel, ancien[r[0]]);
        l.appendChild(sel);
        bloc.appendChild(l);
      });
      div.appendChild(bloc);
      var o = document.createElement('option');
      o.value = String(i + 1);
      o.textContent = 'Secteur ' + (i + 1);
      dest.appendChild(o);
    }
    document.getElementById('edition-secteurs').hidden = false;
  }

  var verifications = 0;  // answered live checks (data-verifications: for the browser test)
  function verifier() {
    var corps = Object.assign({}, reglages, { communes: listeAffectation() });
    return requete('POST', base + '/evaluation', corps).then(tableau).catch(function (e) {
      etat.textContent = 'Vérification impossible : ' + e.message;
    }).then(function () { el.dataset.verifications = String(++verifications); });
  }

  // A commune moves with every commune of its CPTS territory.
  function deplacer(code, secteur) {
    var u = uniteDe(code);
    if (!u || !secteur) return;
    var codes = [code];
    if (u.territoire) {
      codes = unites().filter(function (x) { return x.territoire === u.territoire; })
        .map(function (x) { return x.code; });
    }
    codes.forEach(function (c) { affectation[c] = secteur; });
    borne = null;  // a hand edit voids the solver's proof
    peindre();
    avancement.textContent = u.nom + (codes.length > 1 ? ' et les ' + (codes.length - 1) +
      ' autres communes de « ' + u.territoire + ' »' : '') + ' passent au secteur ' + secteur + '.';
    verifier();
  }

  function suivre(id) {
    requete('GET', '/api/v1/sector-jobs/' + id).then(function (job) {
      if (job.etat === 'en_cours') {
        avancement.textContent = job.message + (job.meilleure_coupe >= 0 ? ' Meilleur découpage : ' +
          job.meilleure_coupe + ' paires de communes séparées.' : '') + ' (' + decimal.format(job.secondes) + ' s)';
        setTimeout(function () { suivre(id); }, 1000);
        return;
      }
      document.getElementById('calculer-secteurs').disabled = false;
      avancement.textContent = job.message;
      el.dataset.calcul = job.etat;
      if (job.etat !== 'termine') return;
      affectation = job.communes;
      k = job.nombre_secteurs;
      borne = job.borne_prouvee;
      panneauReferents();
      peindre();
      tableau(job.evaluation);
    }).catch(function (e) {
      document.getElementById('calculer-secteurs').disabled = false;
      avancement.textContent = 'Calcul interrompu : ' + e.message;
    });
  }

  var form = document.getElementById('reglages-secteurs');
  if (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      reglages = lireReglages();
      var corps = Object.assign({}, reglages, { duree_secondes: valeur('duree') });
      document.getElementById('calculer-secteurs').disabled = true;
      avancement.textContent = 'Calcul lancé…';
      el.dataset.calcul = 'en_cours';
      requete('POST', base + '/jobs', corps).then(function (r) { suivre(r.id); }).catch(function (e) {
        document.getElementById('calculer-secteurs').disabled = false;
        avancement.textContent = 'Calcul refusé : ' + e.message;
        el.dataset.calcul = 'refuse';
      });
    });
  }

  var boutonDeplacer = document.getElementById('deplacer-commune');
  if (boutonDeplacer) {
    boutonDeplacer.addEventListener('click', function () {
      var nom = document.getElementById('commune-a-deplacer').value.trim().toLowerCase();
      var u = unites().filter(function (x) { return x.nom.toLowerCase() === nom || x.code === nom; })[0];
      if (!u) { avancement.textContent = 'Commune introuvable dans le département.'; return; }
      deplacer(u.code, parseInt(document.getElementById('secteur-destination').value, 10));
    });
  }

  var enregistrer = document.getElementById('enregistrer-secteurs');
  if (enregistrer) {
    enregistrer.addEventListener('click', function () {
      var secteurs = [];
      for (var i = 1; i <= k; i++) {
        secteurs.push({
          nom: document.getElementById('nom-secteur-' + i).value.trim(),
          referent: parseInt(document.getElementById('referent-secteur-' + i).value, 10),
          suppleant: parseInt(document.getElementById('suppleant-secteur-' + i).value, 10)
        });
      }
      var corps = Object.assign({}, reglages, {
        communes: listeAffectation(),
        secteurs: secteurs,
        version_de_base: espace.plan ? espace.plan.version : 0,
        note: document.getElementById('note-secteurs').value
      });
      if (borne !== null && borne !== undefined) corps.borne_prouvee = borne;
      enregistrer.disabled = true;
      requete('POST', base, corps).then(function (plan) {
        avancement.textContent = 'Version ' + plan.version + ' enregistrée.';
        window.location.reload();
      }).catch(function (e) {
        avancement.textContent = 'Enregistrement refusé : ' + e.message;
        enregistrer.disabled = false;
      });
    });
  }

  function historique() {
    var ol = document.getElementById('historique-secteurs');
    ol.textContent = '';
    if (espace.historique.length === 0) {
      var vide = document.createElement('li');
      vide.textContent = 'Aucune version enregistrée.';
      ol.appendChild(vide);
    }
    espace.historique.forEach(function (h) {
      var li = document.createElement('li');
      var quand = new Date(h.enregistre_le).toLocaleDateString('fr-FR', { day: 'numeric', month: 'long', year: 'numeric' });
      li.textContent = 'Version ' + h.version + ' — ' + h.nombre_secteurs + ' secteurs, ' + quand + ', ' +
        h.enregistre_par + (h.note ? ' : ' + h.note : '');
      ol.appendChild(li);
    });
  }

  Promise.all([requete('GET', el.dataset.cellules).then(function (t) { return MaillageTopo.features(t, 'communes'); }),
    requete('GET', el.dataset.espace)])
    .then(function (res) {
      var cells = res[0];
      espace = res[1];
      var liste = document.getElementById('liste-communes-secteurs');
      unites().forEach(function (u) {
        if (!liste) return;
        var o = document.createElement('option');
        o.value = u.nom;
        liste.appendChild(o);
      });
      if (espace.plan) {
        affectation = espace.plan.communes;
        k = espace.plan.nombre_secteurs;
        reglages = {
          nombre_secteurs: k,
          poids_population: Math.round(espace.plan.poids.population),
          poids_structures: Math.round(espace.plan.poids.structures),
          poids_professionnels: Math.round(espace.plan.poids.professionnels),
          tolerance_pourcent: espace.plan.tolerance_pourcent
        };
        if (form) {
          document.getElementById('nombre-secteurs').value = reglages.nombre_secteurs;
          document.getElementById('poids-population').value = reglages.poids_population;
          document.getElementById('poids-structures').value = reglages.poids_structures;
          document.getElementById('poids-professionnels').value = reglages.poids_professionnels;
          document.getElementById('tolerance').value = reglages.tolerance_pourcent;
        }
      }
      couche = L.geoJSON(cells, {
        style: function (f) {
          return { color: '#4a4a4a', weight: 0.5, fillColor: couleur(f.properties.code), fillOpacity: 0.75 };
        },
        onEachFeature: function (f, layer) {
          var u = uniteDe(f.properties.code);
          layer.bindTooltip(function () {
            var s = affectation[f.properties.code];
            return f.properties.nom + ' — ' + nombre.format(f.properties.population) + ' hab.' +
              (s ? ' — secteur ' + s : '') + (u && u.territoire ? ' — ' + u.territoire : '');
          }, { sticky: true });
          if (modifiable) {
            layer.on('click', function () {
              if (!k) return;
              deplacer(f.properties.code, parseInt(document.getElementById('secteur-destination').value, 10));
            });
          }
        }
      }).addTo(carte);
      carte.fitBounds(couche.getBounds());
      couche.eachLayer(function (layer) {
        var p = layer.getElement && layer.getElement();
        if (!p) return;
        p.setAttribute('data-code', layer.feature.properties.code);
        p.setAttribute('role', 'img');
        p.setAttribute('aria-label', layer.feature.properties.nom);
      });
      peindre();
      historique();
      if (espace.plan) {
        tableau(espace.plan.evaluation);
        if (modifiable) panneauReferents();
      } else {
        etat.textContent = unites().length + ' communes. ' + (modifiable ?
          'Choisissez le nombre de secteurs et les poids, puis lancez le calcul.' : '');
      }
      el.dataset.etat = 'pret';
    })
    .catch(function (err) {
      etat.textContent = 'Impossible de charger la carte (' + err.message + ').';
      el.dataset.etat = 'erreur';
    });
})();
