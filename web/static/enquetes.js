// Survey pages: the new-survey form of /enquetes, and on /enquetes/{id} the questionnaire builder
// (question blocks copied from the last one, fields shown by question type), the title and
// closing-date form of a survey already sent, the sending of the personal links and the closing.
// Everything goes through the API under /api/v1/enquetes; a refusal naming a field is shown next
// to that field (in the question it names), what was typed stays in the form.
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
  function chaque(selecteur, f, racine) {
    Array.prototype.forEach.call((racine || document).querySelectorAll(selecteur), f);
  }
  function lignes(texte) {
    return texte.split('\n').map(function (l) { return l.trim(); }).filter(function (l) { return l; });
  }
  function effacer(form) {
    chaque('[data-erreur-pour]', function (s) { s.textContent = ''; }, form);
    chaque('[aria-invalid]', function (el) { el.removeAttribute('aria-invalid'); }, form);
  }
  // A refusal: "questions[2].options[1]" → the third question block, its options field;
  // "titre" → the title field; otherwise under the form.
  function refuser(form, message, e) {
    var champ = e.champ || '';
    var racine = form;
    var m = champ.match(/^questions\[(\d+)\]\.?(.*)$/);
    if (m) {
      var blocs = form.querySelectorAll('.question-saisie');
      racine = blocs[parseInt(m[1], 10)] || form;
      champ = m[2];
    }
    champ = champ.replace(/\[.*$/, '');
    var place = champ ? racine.querySelector('[data-erreur-pour="' + champ + '"]') : null;
    if (!place && m) place = racine.querySelector('[data-erreur-pour="libelle"]');
    if (place) {
      place.textContent = e.message;
      var entree = racine.querySelector('[data-champ="' + champ + '"]');
      if (entree) { entree.setAttribute('aria-invalid', 'true'); entree.focus(); }
      message.textContent = 'Refusé : voir le champ signalé.';
    } else {
      message.textContent = 'Refusé : ' + e.message;
    }
    message.dataset.etat = 'refuse';
  }
  function confirmer(texte) {
    if (window.MaillageFormulaires) window.MaillageFormulaires.confirmAfterReload(texte);
    window.location.reload();
  }

  // New survey (/enquetes) ---------------------------------------------------------------------
  var nouvelle = document.getElementById('formulaire-nouvelle-enquete');
  if (nouvelle) {
    nouvelle.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-nouvelle-enquete');
      if (window.MaillageFormulaires) window.MaillageFormulaires.clearErrors(nouvelle);
      var corps = {
        structure: parseInt(nouvelle.elements.structure.value, 10),
        titre: nouvelle.elements.titre.value.trim(),
        cloture: nouvelle.elements.cloture.value
      };
      envoyer('POST', '/api/v1/enquetes', corps).then(function (doc) {
        if (window.MaillageFormulaires) window.MaillageFormulaires.confirmAfterReload('Enquête créée : saisissez ses questions.');
        window.location.href = '/enquetes/' + doc.enquete.id;
      }).catch(function (e) {
        var shown = window.MaillageFormulaires &&
          window.MaillageFormulaires.showFieldError(nouvelle, e.message, e.champ);
        message.textContent = shown ? 'Refusé : voir le champ signalé.' : 'Refusé : ' + e.message;
      });
    });
  }

  var fiche = document.getElementById('fiche-enquete');
  if (!fiche) return;
  var id = fiche.dataset.enquete;
  var version = parseInt(fiche.dataset.version, 10);
  var api = '/api/v1/enquetes/' + encodeURIComponent(id);

  // Questionnaire builder -------------------------------------------------------------------------
  var form = document.getElementById('formulaire-enquete');
  function montrerSelonType(bloc) {
    var type = bloc.querySelector('.q-type').value;
    chaque('.q-pour', function (div) {
      div.hidden = div.dataset.types.split(' ').indexOf(type) < 0;
    }, bloc);
  }
  function renumeroter() {
    chaque('.question-saisie', function (bloc, i) {
      bloc.querySelector('.numero-question').textContent = String(i + 1);
    }, form);
  }
  function nouvelIdentifiant() {
    var pris = {};
    chaque('.q-id', function (el) { pris[el.value] = true; }, form);
    for (var n = 1; ; n++) { if (!pris['q' + n]) return 'q' + n; }
  }
  function brancher(bloc) {
    bloc.querySelector('.q-type').addEventListener('change', function () { montrerSelonType(bloc); });
    bloc.querySelector('.q-retirer').addEventListener('click', function () {
      if (form.querySelectorAll('.question-saisie').length <= 1) return;
      bloc.remove();
      renumeroter();
    });
    montrerSelonType(bloc);
  }
  function nombre(el) {
    var v = el.value.trim().replace(/\s/g, '').replace(',', '.');
    return v === '' ? null : Number(v);
  }
  function question(bloc) {
    var q = {
      id: bloc.querySelector('.q-id').value,
      type: bloc.querySelector('.q-type').value,
      libelle: bloc.querySelector('.q-libelle').value.trim(),
      aide: bloc.querySelector('.q-aide').value.trim(),
      obligatoire: bloc.querySelector('.q-obligatoire').checked
    };
    if (q.type === 'choix_unique' || q.type === 'choix_multiple') q.options = lignes(bloc.querySelector('.q-options').value);
    if (q.type === 'choix_multiple') q.max_reponses = parseInt(bloc.querySelector('.q-max-reponses').value, 10) || 0;
    if (q.type === 'nombre') {
      var min = nombre(bloc.querySelector('.q-min')), max = nombre(bloc.querySelector('.q-max'));
      if (min !== null && !isNaN(min)) q.min = min;
      if (max !== null && !isNaN(max)) q.max = max;
      q.entier = bloc.querySelector('.q-entier').checked;
    }
    if (q.type === 'date') {
      q.date_min = bloc.querySelector('.q-date-min').value;
      q.date_max = bloc.querySelector('.q-date-max').value;
    }
    if (q.type === 'texte') q.longueur_max = parseInt(bloc.querySelector('.q-longueur').value, 10) || 500;
    if (q.type === 'grille') {
      q.jours = lignes(bloc.querySelector('.q-jours').value);
      q.creneaux = lignes(bloc.querySelector('.q-creneaux').value);
    }
    return q;
  }
  if (form) {
    chaque('.question-saisie', brancher, form);
    document.getElementById('ajouter-question').addEventListener('click', function () {
      var blocs = form.querySelectorAll('.question-saisie');
      var copie = blocs[blocs.length - 1].cloneNode(true);
      copie.querySelector('.q-id').value = nouvelIdentifiant();
      copie.dataset.question = copie.querySelector('.q-id').value;
      chaque('input[type=text], textarea, input[type=date]', function (el) { el.value = ''; }, copie);
      chaque('input[type=checkbox]', function (el) { el.checked = false; }, copie);
      chaque('.erreur-champ', function (el) { el.textContent = ''; }, copie);
      copie.querySelector('.q-longueur').value = '500';
      copie.querySelector('.q-max-reponses').value = '0';
      document.getElementById('questions').appendChild(copie);
      brancher(copie);
      renumeroter();
      copie.querySelector('.q-libelle').focus();
    });
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      effacer(form);
      var message = document.getElementById('message-enquete');
      var corps = {
        titre: document.getElementById('enquete-titre').value.trim(),
        presentation: document.getElementById('enquete-presentation').value.trim(),
        cloture: document.getElementById('enquete-cloture').value,
        questions: Array.prototype.map.call(form.querySelectorAll('.question-saisie'), question),
        version: version
      };
      envoyer('PUT', api, corps).then(function () {
        confirmer('Questionnaire enregistré.');
      }).catch(function (e) { refuser(form, message, e); });
    });
  }

  // Title and closing date of a survey already sent -----------------------------------------------
  var entete = document.getElementById('formulaire-entete');
  if (entete) {
    entete.addEventListener('submit', function (ev) {
      ev.preventDefault();
      effacer(entete);
      envoyer('PUT', api, {
        titre: document.getElementById('entete-titre').value.trim(),
        presentation: document.getElementById('entete-presentation').value.trim(),
        cloture: document.getElementById('entete-cloture').value,
        version: version
      }).then(function () { confirmer('Enquête enregistrée.'); })
        .catch(function (e) { refuser(entete, document.getElementById('message-entete'), e); });
    });
  }

  // Sending ------------------------------------------------------------------------------------------
  var envoi = document.getElementById('formulaire-envoi');
  if (envoi) {
    envoi.addEventListener('submit', function (ev) {
      ev.preventDefault();
      effacer(envoi);
      var message = document.getElementById('message-envoi');
      var refusees = document.getElementById('lignes-refusees');
      refusees.textContent = '';
      var professions = [];
      chaque('.envoi-profession', function (c) { if (c.checked) professions.push(c.value); }, envoi);
      var bouton = document.getElementById('bouton-envoi');
      bouton.disabled = true;
      message.textContent = 'Envoi en cours…';
      envoyer('POST', api + '/envoi', {
        membres: document.getElementById('envoi-membres').checked,
        rpps: document.getElementById('envoi-rpps').checked,
        professions: professions,
        liste: document.getElementById('envoi-liste').value
      }).then(function (doc) {
        var e = doc.envoi;
        var texte = e.ajoutes + ' nouveau(x) destinataire(s) : ' + e.envoyes + ' lien(s) envoyé(s), ' +
          e.refuses + ' refusé(s) par le serveur ; ' + e.deja_destinataires + ' adresse(s) déjà destinataire(s) ; ' +
          e.sans_adresse + ' sans adresse e-mail.';
        if (e.lignes_refusees.length) {
          texte += ' Lignes écartées : ' + e.lignes_refusees.map(function (l) { return l.ligne + ' (' + l.message + ')'; }).join(' ; ');
        }
        confirmer(texte);
      }).catch(function (e) {
        bouton.disabled = false;
        refuser(envoi, message, e);
      });
    });
  }

  // Closing ------------------------------------------------------------------------------------------
  var cloture = document.getElementById('formulaire-cloture');
  if (cloture) {
    cloture.addEventListener('submit', function (ev) {
      ev.preventDefault();
      envoyer('POST', api + '/cloture', { version: version }).then(function () {
        confirmer('Enquête close : les liens ne valent plus.');
      }).catch(function (e) {
        var message = document.getElementById('message-cloture');
        message.textContent = 'Refusé : ' + e.message;
      });
    });
  }
}());
