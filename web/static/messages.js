// Message pages: a new message (text and attachments read as base64) saved as a draft, and its
// sending to an audience. Everything goes through /api/v1/messages; a refusal naming a field is
// shown next to it.
(function () {
  'use strict';
  function csrf() { var el = document.querySelector('[data-csrf]'); return el ? el.dataset.csrf : ''; }
  function envoyer(url, corps) {
    return fetch(url, {
      method: 'POST', credentials: 'same-origin',
      headers: { Accept: 'application/json', 'Content-Type': 'application/json', 'X-CSRF-Token': csrf() },
      body: JSON.stringify(corps)
    }).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (doc) {
        if (!r.ok) { var e = new Error(doc.message || ('erreur ' + r.status)); e.champ = (doc.field || '').replace(/^\$\./, ''); throw e; }
        return doc;
      });
    });
  }
  function lire(fichier) {
    return new Promise(function (ok, ko) {
      var r = new FileReader();
      r.onload = function () { ok({ nom: fichier.name, type: fichier.type, contenu_base64: String(r.result).replace(/^data:[^,]*,/, '') }); };
      r.onerror = ko;
      r.readAsDataURL(fichier);
    });
  }
  var form = document.getElementById('formulaire-message');
  if (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var etat = document.getElementById('message-etat');
      if (window.MaillageFormulaires) window.MaillageFormulaires.clearErrors(form);
      Promise.all(Array.prototype.map.call(form.elements.pieces_jointes.files, lire)).then(function (pieces) {
        return envoyer('/api/v1/messages', {
          structure: parseInt(form.elements.structure.value, 10),
          objet: form.elements.objet.value.trim(),
          html: form.elements.html.value,
          pieces_jointes: pieces
        });
      }).then(function (doc) {
        if (window.MaillageFormulaires) window.MaillageFormulaires.confirmAfterReload('Brouillon enregistré.');
        window.location.href = '/messages/' + doc.message.id;
      }).catch(function (e) {
        var shown = window.MaillageFormulaires && window.MaillageFormulaires.showFieldError(form, e.message, e.champ);
        etat.textContent = shown ? 'Refusé : voir le champ signalé.' : 'Refusé : ' + e.message;
      });
    });
  }
  var envoi = document.getElementById('formulaire-envoi-message');
  var fiche = document.getElementById('fiche-message');
  if (envoi && fiche) {
    envoi.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var professions = [];
      Array.prototype.forEach.call(envoi.querySelectorAll('.envoi-profession'), function (c) { if (c.checked) professions.push(c.value); });
      envoyer('/api/v1/messages/' + fiche.dataset.message + '/envoi', {
        membres: document.getElementById('envoi-membres').checked,
        rpps: document.getElementById('envoi-rpps').checked,
        professions: professions,
        liste: document.getElementById('envoi-liste').value
      }).then(function (doc) {
        var f = doc.file;
        if (window.MaillageFormulaires) {
          window.MaillageFormulaires.confirmAfterReload(f.ajoutes + ' envoi(s) en file ; ' + f.desinscrits + ' adresse(s) désinscrite(s) écartée(s) ; ' +
            f.lignes_refusees.length + ' ligne(s) écartée(s).');
        }
        window.location.reload();
      }).catch(function (e) { document.getElementById('message-envoi').textContent = 'Refusé : ' + e.message; });
    });
  }
}());
