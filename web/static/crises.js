// Crisis pages: the form that opens a crisis (/crises) and, on /crises/{id}, the buttons of the
// loop (send the survey, remind, build the planning, send the planning), each a call to the API
// under /api/v1/crises; a refusal naming a field is shown next to it (MaillageFormulaires), what
// was typed stays; while a solve runs, the page polls the crisis and reloads when it ends.
(function () {
  'use strict';

  function csrf() {
    var el = document.querySelector('[data-csrf]');
    return el ? el.dataset.csrf : '';
  }
  function envoyer(methode, url, corps) {
    var init = {
      method: methode, credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRF-Token': csrf() }
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
  var F = window.MaillageFormulaires;

  // Opening (/crises) ------------------------------------------------------------------------------
  var form = document.getElementById('formulaire-crise');
  if (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-crise');
      if (F) F.clearErrors(form);
      var plages = [];
      var lignes = [];  // form row of each window sent
      for (var i = 0; i < 3; i++) {
        var debut = document.getElementById('plage-' + i + '-debut').value;
        var fin = document.getElementById('plage-' + i + '-fin').value;
        var besoin = document.getElementById('plage-' + i + '-besoin').value;
        if (!debut && !fin && !besoin) continue;
        plages.push({ debut: debut, fin: fin, besoin: parseInt(besoin || '0', 10) || 0 });
        lignes.push(i);
      }
      var professions = [];
      Array.prototype.forEach.call(form.querySelectorAll('.crise-profession-code'), function (c) {
        if (c.checked) professions.push(c.value);
      });
      var corps = {
        structure: parseInt(form.elements.structure.value, 10),
        titre: form.elements.titre.value.trim(),
        type: form.elements.type.value,
        debut: form.elements.debut.value,
        fin: form.elements.fin.value,
        plages: plages,
        profession: form.elements.profession.value.trim(),
        cloture: form.elements.cloture.value,
        presentation: form.elements.presentation.value.trim(),
        question_remarques: form.elements.question_remarques.checked,
        membres: form.elements.membres.checked,
        rpps: form.elements.rpps.checked,
        professions: professions,
        liste: form.elements.liste.value
      };
      var bouton = document.getElementById('bouton-ouvrir-crise');
      bouton.disabled = true;
      envoyer('POST', '/api/v1/crises', corps).then(function (doc) {
        if (F) F.confirmAfterReload('Crise ouverte : enquête, campagne de permanences et message créés.');
        window.location.href = '/crises/' + doc.crise.id;
      }).catch(function (e) {
        bouton.disabled = false;
        var shown = false;
        var m = (e.champ || '').match(/^plages\[(\d+)\]\.(debut|fin|besoin)$/);
        if (m && F) {
          var el = document.getElementById('plage-' + lignes[parseInt(m[1], 10)] + '-' + m[2]);
          if (el) { F.showErrorAt(form, el, e.message); shown = true; }
        } else if (e.champ === 'plages' && F) {
          F.showErrorAt(form, document.getElementById('plage-0-debut'), e.message);
          shown = true;
        } else if (F) {
          shown = F.showFieldError(form, e.message, e.champ);
        }
        message.textContent = shown ? 'Refusé : voir le champ signalé.' : 'Refusé : ' + e.message;
      });
    });
  }

  // Dashboard (/crises/{id}) ---------------------------------------------------------------------
  var fiche = document.getElementById('fiche-crise');
  if (!fiche) return;
  var api = '/api/v1/crises/' + encodeURIComponent(fiche.dataset.crise);
  var version = parseInt(fiche.dataset.version, 10);
  var message = document.getElementById('message-actions');
  var rapport = document.getElementById('rapport-actions');

  function action(formId, url, corps, texte, enCours) {
    var f = document.getElementById(formId);
    if (!f) return;
    f.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var bouton = f.querySelector('button');
      bouton.disabled = true;
      message.textContent = enCours;
      rapport.textContent = '';
      envoyer('POST', url, corps()).then(function (doc) {
        if (F) F.confirmAfterReload(texte(doc));
        window.location.reload();
      }).catch(function (e) {
        bouton.disabled = false;
        message.textContent = 'Refusé : ' + e.message;
      });
    });
  }
  action('formulaire-envoi-crise', api + '/envoi', function () { return {}; }, function (doc) {
    var e = doc.envoi;
    var t = e.ajoutes + ' invité(s) : ' + e.envoyes + ' lien(s) envoyé(s), ' + e.refuses +
      ' refusé(s) par le serveur ; ' + e.deja_destinataires + ' déjà invité(s) ; ' + e.sans_adresse + ' sans adresse e-mail.';
    if (e.lignes_refusees.length) {
      t += ' Lignes écartées : ' + e.lignes_refusees.map(function (l) { return l.ligne + ' (' + l.message + ')'; }).join(' ; ');
    }
    return t;
  }, 'Envoi en cours…');
  action('formulaire-relance', api + '/relance', function () { return {}; }, function (doc) {
    var r = doc.relance;
    return r.relances + ' relance(s) : ' + r.envoyes + ' envoyée(s), ' + r.refuses + ' refusée(s) par le serveur.';
  }, 'Relance en cours…');
  action('formulaire-construire', api + '/planning', function () { return { version: version }; }, function (doc) {
    var p = doc.planning;
    var t = p.repondants + ' répondant(s) au planning (' + p.personnes_ajoutees + ' ajouté(s), ' +
      p.personnes_mises_a_jour + ' mis à jour), ' + p.disponibilites + ' disponibilité(s). Calcul lancé.';
    if (p.sans_disponibilite.length) t += ' Sans disponibilité : ' + p.sans_disponibilite.join(', ') + '.';
    if (p.adresse_seule.length) t += ' Connus par leur adresse seulement : ' + p.adresse_seule.join(', ') + '.';
    if (p.cases_hors_grille) t += ' ' + p.cases_hors_grille + ' case(s) hors de la grille ignorée(s).';
    if (p.creneaux_absents) t += ' ' + p.creneaux_absents + ' créneau(x) retiré(s) de la campagne.';
    return t;
  }, 'Construction du planning…');
  action('formulaire-envoi-planning', api + '/planning/envoi', function () { return { version: version }; }, function (doc) {
    var p = doc.planning_envoye;
    return 'Planning envoyé : ' + p.envoyes + ' message(s), ' + p.refuses + ' refusé(s) par le serveur, ' +
      p.sans_creneau + ' personne(s) sans créneau.';
  }, 'Envoi du planning…');

  // A solve in progress: poll until it ends, then show the result.
  if (fiche.dataset.calcul === 'en-cours') {
    var attendre = function () {
      envoyer('GET', api).then(function (doc) {
        var c = doc.calcul;
        if (c && (c.statut === 'queued' || c.statut === 'running')) {
          window.setTimeout(attendre, 1000);
        } else {
          window.location.reload();
        }
      }).catch(function () { window.setTimeout(attendre, 3000); });
    };
    window.setTimeout(attendre, 1000);
  }
}());
