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
  // The text is written in a rich-text editor (Quill, snow theme) limited to what the server
  // keeps: intertitres, bold, italic, lists, links. The textarea stays the form's field (and the
  // whole form without script): the editor's HTML is copied into it on submit.
  function editeur(form, textarea) {
    if (!window.Quill || !textarea) return null;
    var zone = document.createElement('div');
    zone.id = 'message-editeur';
    zone.className = 'editeur-message';
    textarea.insertAdjacentElement('afterend', zone);
    textarea.hidden = true;
    var quill = new window.Quill(zone, {
      theme: 'snow',
      formats: ['header', 'bold', 'italic', 'list', 'link'],
      modules: { toolbar: [[{ header: 2 }, { header: 3 }], ['bold', 'italic'], [{ list: 'ordered' }, { list: 'bullet' }], ['link'], ['clean']] }
    });
    if (textarea.value) quill.clipboard.dangerouslyPasteHTML(textarea.value);
    var noms = { 'ql-bold': 'Gras', 'ql-italic': 'Italique', 'ql-link': 'Lien', 'ql-clean': 'Retirer la mise en forme' };
    Array.prototype.forEach.call(zone.previousElementSibling.querySelectorAll('button'), function (b) {
      var nom = noms[b.className];
      if (b.classList.contains('ql-header')) nom = 'Intertitre de niveau ' + b.value;
      if (b.classList.contains('ql-list')) nom = b.value === 'ordered' ? 'Liste numérotée' : 'Liste à puces';
      if (nom) { b.setAttribute('aria-label', nom); b.title = nom; }
    });
    Array.prototype.forEach.call(zone.querySelectorAll('.ql-tooltip input'), function (i) { i.setAttribute('aria-label', 'Adresse du lien'); });
    var saisie = zone.querySelector('.ql-editor');
    saisie.setAttribute('role', 'textbox');
    saisie.setAttribute('aria-multiline', 'true');
    saisie.setAttribute('aria-labelledby', 'message-html-libelle');
    return {
      // getSemanticHTML writes every space as &nbsp; (Quill 2.0.3), which would stop mail clients
      // from wrapping lines: plain spaces again.
      html: function () { return quill.getText().trim() ? quill.getSemanticHTML().replace(/&nbsp;/g, ' ') : ''; },
      // A refusal of the text shows under the whole editor (not inside its typing area).
      refus: function (forms, message) {
        forms.showErrorAt(form, saisie, message);
        var note = document.getElementById(saisie.getAttribute('aria-describedby'));
        if (note) zone.insertAdjacentElement('afterend', note);
        return true;
      }
    };
  }
  var form = document.getElementById('formulaire-message');
  var riche = form ? editeur(form, form.elements.html) : null;
  if (form) {
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var etat = document.getElementById('message-etat');
      if (window.MaillageFormulaires) window.MaillageFormulaires.clearErrors(form);
      Promise.all(Array.prototype.map.call(form.elements.pieces_jointes.files, lire)).then(function (pieces) {
        return envoyer('/api/v1/messages', {
          structure: parseInt(form.elements.structure.value, 10),
          objet: form.elements.objet.value.trim(),
          html: riche ? riche.html() : form.elements.html.value,
          pieces_jointes: pieces
        });
      }).then(function (doc) {
        if (window.MaillageFormulaires) window.MaillageFormulaires.confirmAfterReload('Brouillon enregistré.');
        window.location.href = '/messages/' + doc.message.id;
      }).catch(function (e) {
        var forms = window.MaillageFormulaires;
        var shown = forms && (riche && e.champ === 'html'
          ? riche.refus(forms, 'Texte : ' + e.message)
          : forms.showFieldError(form, e.message, e.champ));
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
