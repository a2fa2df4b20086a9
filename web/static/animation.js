// Animation territoriale pages: partners (creation, edit, interactions with a document read as
// base64), actions (creation, follow-up), events (creation, registrations, cancellation with the
// waiting list's promotion, émargement), and the map of the communes partners serve (the
// département's contours, as carte.js and couverture.js draw them). Everything goes through the
// API under /api/v1/partners, /api/v1/actions and /api/v1/events; a refusal naming a field is
// shown next to that field (what was typed stays in the form), others under the form.
(function () {
  'use strict';

  function envoyer(methode, url, corps, csrf) {
    var init = {
      method: methode, credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRF-Token': csrf }
    };
    if (corps) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(corps);
    }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (doc) {
        if (!r.ok) {
          var e = new Error(doc.message || ('erreur ' + r.status));
          e.champ = (doc.field || '').replace(/^\$\./, '');
          throw e;
        }
        return doc;
      });
    });
  }
  function valeur(id) { var el = document.getElementById(id); return el ? el.value.trim() : ''; }
  function chaque(selecteur, f, racine) { Array.prototype.forEach.call((racine || document).querySelectorAll(selecteur), f); }
  function effacer(form) {
    chaque('[data-erreur-pour]', function (s) { s.textContent = ''; }, form);
    chaque('[aria-invalid]', function (el) { el.removeAttribute('aria-invalid'); }, form);
  }
  function refuser(form, message, e) {
    var champ = (e.champ || '').replace(/\[.*$/, '');
    var place = champ ? form.querySelector('[data-erreur-pour="' + champ + '"]') : null;
    if (place) {
      place.textContent = e.message;
      var entree = form.querySelector('[data-champ="' + champ + '"]');
      if (entree) { entree.setAttribute('aria-invalid', 'true'); entree.focus(); }
      message.textContent = 'Refusé : voir le champ signalé. Rien n\'a été enregistré.';
    } else {
      message.textContent = 'Refusé : ' + e.message;
    }
    message.dataset.etat = 'refuse';
  }
  function coches(form, classe) {
    var out = [];
    chaque('.' + classe, function (c) { if (c.checked) out.push(parseInt(c.value, 10)); }, form);
    return out;
  }
  function communes(id) {
    return valeur(id).split(/[\s,;]+/).filter(function (c) { return c.length > 0; });
  }
  function entier(id, defaut) {
    var v = valeur(id);
    if (v === '') return defaut;
    var n = parseInt(v, 10);
    return isNaN(n) ? defaut : n;
  }

  // Partners -----------------------------------------------------------------------------------
  function corpsPartenaire(form) {
    var corps = {
      nom: valeur('partenaire-nom'), type: valeur('partenaire-type'),
      siren: valeur('partenaire-siren'), finess: valeur('partenaire-finess'),
      communes: communes('partenaire-communes'), structures: coches(form, 'partenaire-structure'),
      suivi_par: parseInt(valeur('partenaire-suivi') || '0', 10), notes: valeur('partenaire-notes')
    };
    return corps;
  }
  var nouveau = document.getElementById('formulaire-partenaire');
  if (nouveau) {
    nouveau.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-partenaire');
      effacer(nouveau);
      var corps = corpsPartenaire(nouveau);
      corps.departement = valeur('partenaire-departement');
      corps.contacts = [];
      if (valeur('contact-nom')) {
        corps.contacts.push({ nom: valeur('contact-nom'), fonction: valeur('contact-fonction'),
          courriel: valeur('contact-courriel'), telephone: valeur('contact-telephone') });
      }
      message.textContent = 'Enregistrement…';
      envoyer('POST', '/api/v1/partners', corps, nouveau.dataset.csrf).then(function (doc) {
        window.location.assign('/partenaires/' + doc.partenaire.id);
      }).catch(function (e) { refuser(nouveau, message, e); });
    });
  }
  var modifier = document.getElementById('formulaire-modifier-partenaire');
  if (modifier) {
    modifier.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-modifier-partenaire');
      effacer(modifier);
      var corps = corpsPartenaire(modifier);
      corps.version = parseInt(modifier.dataset.version, 10);
      corps.adresse = valeur('partenaire-adresse');
      corps.courriel = valeur('partenaire-courriel');
      corps.telephone = valeur('partenaire-telephone');
      corps.contacts = [];
      chaque('.contact-ligne', function (p) {
        var nom = p.querySelector('.contact-nom').value.trim();
        if (!nom) return;
        corps.contacts.push({ nom: nom, fonction: p.querySelector('.contact-fonction').value.trim(),
          courriel: p.querySelector('.contact-courriel').value.trim(),
          telephone: p.querySelector('.contact-telephone').value.trim() });
      }, modifier);
      message.textContent = 'Enregistrement…';
      envoyer('PATCH', '/api/v1/partners/' + modifier.dataset.partenaire, corps, modifier.dataset.csrf)
        .then(function () { window.location.reload(); })
        .catch(function (e) { refuser(modifier, message, e); });
    });
  }
  var echange = document.getElementById('formulaire-echange');
  if (echange) {
    echange.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-echange');
      effacer(echange);
      var corps = { type: valeur('echange-type'), date: valeur('echange-date'),
        objet: valeur('echange-objet'), notes: valeur('echange-notes') };
      var fichier = document.getElementById('echange-document').files[0];
      var lu = new Promise(function (ok, ko) {
        if (!fichier) { ok(null); return; }
        var lecteur = new FileReader();
        lecteur.onload = function () { ok(String(lecteur.result).replace(/^data:[^,]*,/, '')); };
        lecteur.onerror = function () { ko(new Error('fichier illisible')); };
        lecteur.readAsDataURL(fichier);
      });
      message.textContent = 'Enregistrement…';
      lu.then(function (base64) {
        if (base64 !== null) {
          corps.nom_fichier = fichier.name;
          corps.type_contenu = fichier.type || 'application/octet-stream';
          corps.contenu_base64 = base64;
        }
        return envoyer('POST', '/api/v1/partners/' + echange.dataset.partenaire + '/interactions',
          corps, echange.dataset.csrf);
      }).then(function () { window.location.reload(); })
        .catch(function (e) { refuser(echange, message, e); });
    });
  }

  // Actions ------------------------------------------------------------------------------------
  var action = document.getElementById('formulaire-action');
  if (action) {
    action.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-action');
      effacer(action);
      var structure = parseInt(action.dataset.structure || '0', 10);
      if (document.getElementById('action-structure')) structure = parseInt(valeur('action-structure'), 10);
      var corps = {
        intitule: valeur('action-intitule'), type: valeur('action-type'), porteur: valeur('action-porteur'),
        public: valeur('action-public'), debut: valeur('action-debut'), fin: valeur('action-fin'),
        statut: valeur('action-statut'), personnes_prevues: entier('action-prevues', 0),
        description: valeur('action-description'), partenaires: coches(action, 'action-partenaire')
      };
      if (structure > 0) corps.structure = structure; else corps.departement = action.dataset.departement;
      message.textContent = 'Enregistrement…';
      envoyer('POST', '/api/v1/actions', corps, action.dataset.csrf).then(function (doc) {
        window.location.assign('/actions/' + doc.action.id);
      }).catch(function (e) { refuser(action, message, e); });
    });
  }
  var suivi = document.getElementById('formulaire-modifier-action');
  if (suivi) {
    suivi.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-modifier-action');
      effacer(suivi);
      var corps = {
        version: parseInt(suivi.dataset.version, 10), intitule: valeur('action-intitule'),
        type: valeur('action-type'), porteur: valeur('action-porteur'), public: valeur('action-public'),
        debut: valeur('action-debut'), fin: valeur('action-fin'), statut: valeur('action-statut'),
        personnes_prevues: entier('action-prevues', 0), personnes_touchees: entier('action-touchees', -1),
        description: valeur('action-description'), partenaires: coches(suivi, 'action-partenaire')
      };
      message.textContent = 'Enregistrement…';
      envoyer('PATCH', '/api/v1/actions/' + suivi.dataset.action, corps, suivi.dataset.csrf)
        .then(function () { window.location.reload(); })
        .catch(function (e) { refuser(suivi, message, e); });
    });
  }

  // Events -------------------------------------------------------------------------------------
  var evenement = document.getElementById('formulaire-evenement');
  if (evenement) {
    evenement.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-evenement');
      effacer(evenement);
      var corps = { intitule: valeur('evenement-intitule'), date: valeur('evenement-date'),
        debut: valeur('evenement-debut'), fin: valeur('evenement-fin'), lieu: valeur('evenement-lieu'),
        capacite: entier('evenement-capacite', 0) };
      message.textContent = 'Enregistrement…';
      envoyer('POST', '/api/v1/actions/' + evenement.dataset.action + '/events', corps, evenement.dataset.csrf)
        .then(function (doc) { window.location.assign('/evenements/' + doc.evenement.id); })
        .catch(function (e) { refuser(evenement, message, e); });
    });
  }
  var inscription = document.getElementById('formulaire-inscription');
  if (inscription) {
    inscription.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-inscription');
      effacer(inscription);
      var corps = { nom: valeur('inscription-nom'), courriel: valeur('inscription-courriel'),
        categorie: valeur('inscription-categorie'), organisation: valeur('inscription-organisation'),
        partenaire: parseInt(valeur('inscription-partenaire') || '0', 10) };
      message.textContent = 'Enregistrement…';
      envoyer('POST', '/api/v1/events/' + inscription.dataset.evenement + '/registrations', corps,
        inscription.dataset.csrf).then(function (doc) {
        var texte = doc.en_attente ? doc.nom + ' est en liste d\'attente (rang ' + doc.rang_attente + ').'
          : doc.nom + ' est inscrit(e).';
        if (window.MaillageFormulaires) MaillageFormulaires.confirmAfterReload(texte);
        window.location.reload();
      }).catch(function (e) { refuser(inscription, message, e); });
    });
  }
  var moi = document.getElementById('m-inscrire');
  if (moi) {
    moi.addEventListener('click', function () {
      var section = document.getElementById('inscription-membre');
      var message = document.getElementById('message-m-inscrire');
      message.textContent = 'Inscription…';
      envoyer('POST', '/api/v1/events/' + section.dataset.evenement + '/registrations', {},
        section.dataset.csrf).then(function () { window.location.reload(); })
        .catch(function (e) { message.textContent = 'Refusé : ' + e.message; });
    });
  }
  chaque('.annuler-inscription', function (bouton) {
    bouton.addEventListener('click', function () {
      var message = document.getElementById('message-annulation');
      message.textContent = 'Annulation…';
      envoyer('POST', '/api/v1/events/' + bouton.dataset.evenement + '/registrations/' +
        bouton.dataset.inscription + '/cancellation', {}, bouton.dataset.csrf).then(function (doc) {
        var texte = 'Inscription de ' + doc.inscription.nom + ' annulée.';
        if (doc.promus.length) {
          texte += ' ' + doc.promus.map(function (p) { return p.nom; }).join(', ') +
            ' quitte la liste d\'attente et prend la place.';
        }
        if (window.MaillageFormulaires) MaillageFormulaires.confirmAfterReload(texte);
        window.location.reload();
      }).catch(function (e) { message.textContent = 'Refusé : ' + e.message; });
    });
  });
  var emargement = document.getElementById('formulaire-emargement');
  if (emargement) {
    emargement.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-emargement');
      effacer(emargement);
      var liste = [];
      chaque('tr[data-inscription]', function (tr) {
        var coche = tr.querySelector('input[type=radio]:checked');
        liste.push({ inscription: parseInt(tr.dataset.inscription, 10), presence: coche ? coche.value : '' });
      }, emargement);
      message.textContent = 'Enregistrement…';
      envoyer('PUT', '/api/v1/events/' + emargement.dataset.evenement + '/attendance', { presences: liste },
        emargement.dataset.csrf).then(function (doc) {
        message.textContent = 'Émargement enregistré : ' + doc.evenement.presents + ' présent(s), ' +
          doc.evenement.absents + ' absent(s).';
        message.dataset.etat = 'enregistre';
      }).catch(function (e) { refuser(emargement, message, e); });
    });
  }

  // Map ----------------------------------------------------------------------------------------
  var el = document.getElementById('carte-partenaires');
  if (el && typeof L !== 'undefined' && window.MaillageTopo) {
    var etat = document.getElementById('etat-carte-partenaires');
    var desservies = {};
    (el.dataset.communes || '').split(',').forEach(function (paire) {
      var p = paire.split(':');
      if (p.length === 2) desservies[p[0]] = parseInt(p[1], 10);
    });
    var carte = L.map(el, { zoomSnap: 0.25, renderer: L.svg() });
    carte.attributionControl.setPrefix(false);
    carte.attributionControl.addAttribution('Contours des communes : IGN — Admin Express COG 2018');
    fetch(el.dataset.contours, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) { if (!r.ok) throw new Error('HTTP ' + r.status); return r.json(); })
      .then(function (t) {
        var cells = MaillageTopo.features(t, 'communes');
        var n = 0;
        var couche = L.geoJSON(cells, {
          style: function (f) {
            var k = desservies[f.properties.code] || 0;
            return { color: '#6b7785', weight: 0.5, fillOpacity: k ? 0.75 : 0.15,
              fillColor: k ? (k > 1 ? '#00587a' : '#0072b2') : '#ffffff' };
          },
          onEachFeature: function (f, layer) {
            var k = desservies[f.properties.code] || 0;
            if (k) n++;
            layer.bindTooltip(f.properties.nom + (k ? ' — ' + k + ' partenaire(s)' : ''), { sticky: true });
          }
        }).addTo(carte);
        // The served communes when there are some (a partner's page), else the département.
        var servies = null;
        couche.eachLayer(function (layer) {
          if (!desservies[layer.feature.properties.code]) return;
          servies = servies ? servies.extend(layer.getBounds()) : L.latLngBounds(layer.getBounds());
        });
        carte.fitBounds(couche.getBounds());
        if (servies && el.dataset.zoom === 'desservies') carte.fitBounds(servies.pad(0.5), { maxZoom: 11 });
        couche.eachLayer(function (layer) {
          var p = layer.getElement && layer.getElement();
          if (!p) return;
          p.setAttribute('data-code', layer.feature.properties.code);
          if (desservies[layer.feature.properties.code]) p.setAttribute('data-desservie', '1');
        });
        etat.textContent = n + ' commune(s) desservie(s) sur la carte.';
        el.dataset.etat = 'pret';
      })
      .catch(function (err) {
        etat.textContent = 'Impossible de charger la carte (' + err.message + ').';
        el.dataset.etat = 'erreur';
      });
  }
})();
