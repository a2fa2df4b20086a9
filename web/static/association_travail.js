// Working groups and members' time pages: creation and edit of a group (members with their role),
// meetings (creation, then attendance and minutes), time entries (recorded by a member for
// themself or by the coordination for anyone; validated or refused by the coordination), hourly
// rates. Everything goes through the API under /api/v1/structures/{id}/association; an error
// naming a field is shown next to that field (what was typed stays in the form), others under it.
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
  function api(structure) { return '/api/v1/structures/' + encodeURIComponent(structure) + '/association'; }
  function valeur(id) { var el = document.getElementById(id); return el ? el.value.trim() : ''; }
  function chaque(selecteur, f, racine) { Array.prototype.forEach.call((racine || document).querySelectorAll(selecteur), f); }

  // Clears the errors of a form; shows a refusal next to its field (or under the form).
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
      message.textContent = 'Refusé : voir le champ signalé.';
    } else {
      message.textContent = 'Refusé : ' + e.message;
    }
    message.dataset.etat = 'refuse';
  }

  function membresCoches(form) {
    var out = [];
    chaque('.groupe-membre', function (c) {
      if (!c.checked) return;
      var role = form.querySelector('.groupe-role[data-membre="' + c.value + '"]');
      out.push({ membre: parseInt(c.value, 10), role: role ? role.value : 'membre' });
    }, form);
    return out;
  }

  // Groups -------------------------------------------------------------------------------------
  var creation = document.getElementById('formulaire-groupe');
  if (creation) {
    creation.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-groupe');
      effacer(creation);
      message.textContent = 'Enregistrement…';
      envoyer('POST', api(creation.dataset.structure) + '/groups', {
        nom: valeur('groupe-nom'), mission: valeur('groupe-mission'),
        description: valeur('groupe-description'), membres: membresCoches(creation)
      }, creation.dataset.csrf).then(function (doc) {
        window.location.assign('/associations/' + creation.dataset.structure + '/groupes/' + doc.groupe.id);
      }).catch(function (e) { refuser(creation, message, e); });
    });
  }
  var modification = document.getElementById('formulaire-modifier-groupe');
  if (modification) {
    modification.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-modifier-groupe');
      effacer(modification);
      message.textContent = 'Enregistrement…';
      envoyer('PATCH', api(modification.dataset.structure) + '/groups/' + modification.dataset.groupe, {
        version: parseInt(modification.dataset.version, 10), nom: valeur('groupe-nom'),
        mission: valeur('groupe-mission'), description: valeur('groupe-description'),
        membres: membresCoches(modification)
      }, modification.dataset.csrf).then(function () { window.location.reload(); })
        .catch(function (e) { refuser(modification, message, e); });
    });
  }

  // Meetings -----------------------------------------------------------------------------------
  var reunion = document.getElementById('formulaire-reunion');
  if (reunion) {
    reunion.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-reunion');
      effacer(reunion);
      message.textContent = 'Enregistrement…';
      envoyer('POST', api(reunion.dataset.structure) + '/groups/' + reunion.dataset.groupe + '/meetings', {
        date: valeur('reunion-date'), debut: valeur('reunion-debut'), fin: valeur('reunion-fin'),
        lieu: valeur('reunion-lieu'), objet: valeur('reunion-objet')
      }, reunion.dataset.csrf).then(function (doc) {
        window.location.assign('/associations/' + reunion.dataset.structure + '/groupes/' +
          reunion.dataset.groupe + '/reunions/' + doc.reunion.id);
      }).catch(function (e) { refuser(reunion, message, e); });
    });
  }
  var presences = document.getElementById('formulaire-presences');
  if (presences) {
    presences.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-presences');
      effacer(presences);
      var liste = [];
      chaque('tr[data-membre]', function (tr) {
        var coche = tr.querySelector('input[type=radio]:checked');
        liste.push({ membre: parseInt(tr.dataset.membre, 10), presence: coche ? coche.value : 'absent' });
      }, presences);
      message.textContent = 'Enregistrement…';
      envoyer('PATCH', api(presences.dataset.structure) + '/groups/' + presences.dataset.groupe +
        '/meetings/' + presences.dataset.reunion, {
        version: parseInt(presences.dataset.version, 10), date: valeur('reunion-date'),
        debut: valeur('reunion-debut'), fin: valeur('reunion-fin'), lieu: valeur('reunion-lieu'),
        objet: valeur('reunion-objet'), compte_rendu: document.getElementById('reunion-compte-rendu').value,
        presences: liste
      }, presences.dataset.csrf).then(function (doc) {
        presences.dataset.version = doc.reunion.version;
        message.textContent = 'Enregistré : ' + doc.reunion.presents + ' présents, ' + doc.reunion.excuses +
          ' excusés, ' + doc.reunion.absents + ' absents.';
        message.dataset.etat = 'enregistre';
      }).catch(function (e) { refuser(presences, message, e); });
    });
  }

  // Time ---------------------------------------------------------------------------------------
  var temps = document.getElementById('formulaire-temps');
  if (temps) {
    temps.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-temps');
      effacer(temps);
      var heures = parseInt(valeur('temps-heures') || '0', 10), minutes = parseInt(valeur('temps-minutes') || '0', 10);
      if (isNaN(heures) || isNaN(minutes) || heures < 0 || minutes < 0 || minutes > 59) {
        refuser(temps, message, { champ: 'duree_minutes', message: 'Durée illisible : des heures et des minutes (0 à 59).' });
        return;
      }
      var corps = {
        date: valeur('temps-date'), duree_minutes: heures * 60 + minutes, activite: valeur('temps-activite'),
        mission: valeur('temps-mission'), groupe: parseInt(valeur('temps-groupe') || '0', 10)
      };
      if (document.getElementById('temps-membre')) {
        if (!valeur('temps-membre')) {
          refuser(temps, message, { champ: 'membre', message: 'Choisissez le membre.' });
          return;
        }
        corps.membre = parseInt(valeur('temps-membre'), 10);
      }
      message.textContent = 'Enregistrement…';
      // In edit mode (a pending entry chosen with « Modifier »): PATCH that entry at its version;
      // the member of an entry does not change.
      var saisie = temps.dataset.saisie;
      var requete = saisie
        ? envoyer('PATCH', api(temps.dataset.structure) + '/time/' + saisie,
          { date: corps.date, duree_minutes: corps.duree_minutes, activite: corps.activite,
            mission: corps.mission, groupe: corps.groupe, version: parseInt(temps.dataset.version, 10) },
          temps.dataset.csrf)
        : envoyer('POST', api(temps.dataset.structure) + '/time', corps, temps.dataset.csrf);
      requete.then(function () { window.location.reload(); })
        .catch(function (e) { refuser(temps, message, e); });
    });
    var choisirMembre = document.getElementById('temps-membre');
    var modeSaisie = function (b) {
      var enCours = document.getElementById('saisie-en-cours');
      if (!b) {
        delete temps.dataset.saisie; delete temps.dataset.version;
        enCours.hidden = true;
        document.getElementById('titre-formulaire-temps').textContent = 'Déclarer du temps';
        document.getElementById('bouton-temps').textContent = 'Enregistrer le temps';
        if (choisirMembre) choisirMembre.disabled = false;
        return;
      }
      temps.dataset.saisie = b.dataset.saisie;
      temps.dataset.version = b.dataset.version;
      var minutes = parseInt(b.dataset.minutes, 10);
      document.getElementById('temps-date').value = b.dataset.date;
      document.getElementById('temps-heures').value = Math.floor(minutes / 60);
      document.getElementById('temps-minutes').value = minutes % 60;
      document.getElementById('temps-activite').value = b.dataset.activite;
      document.getElementById('temps-mission').value = b.dataset.mission || '';
      document.getElementById('temps-groupe').value = b.dataset.groupe || '0';
      if (choisirMembre) choisirMembre.disabled = true;
      document.getElementById('saisie-en-cours-date').textContent =
        b.closest('tr').querySelector('td').textContent;
      enCours.hidden = false;
      document.getElementById('titre-formulaire-temps').textContent = 'Modifier une saisie en attente';
      document.getElementById('bouton-temps').textContent = 'Enregistrer la modification';
      document.getElementById('temps-activite').focus();
    };
    chaque('.modifier-saisie', function (b) { b.addEventListener('click', function () { modeSaisie(b); }); });
    document.getElementById('annuler-modification').addEventListener('click', function () { modeSaisie(null); });
    chaque('.retirer-saisie', function (b) {
      b.addEventListener('click', function () {
        if (!window.confirm('Retirer la saisie du ' + b.dataset.texte + ' ? Elle sera supprimée ' +
          'et ne sera pas indemnisée.')) return;
        var message = document.querySelector('.message-retrait[data-saisie="' + b.dataset.saisie + '"]');
        envoyer('DELETE', api(temps.dataset.structure) + '/time/' + b.dataset.saisie + '?version=' +
          encodeURIComponent(b.dataset.version), null, temps.dataset.csrf)
          .then(function () { window.location.reload(); })
          .catch(function (e) { message.textContent = e.message; message.dataset.etat = 'refuse'; });
      });
    });
  }

  // Deleting a group or a meeting: the page states the consequence; a second button confirms.
  function suppression(section, bouton, confirmer, annuler, message, url, apres) {
    var premier = document.getElementById(bouton);
    if (!section || !premier) return;  // a group that cannot be deleted has no button
    var zone = document.getElementById(confirmer).parentNode;
    premier.addEventListener('click', function () { zone.hidden = false; document.getElementById(confirmer).focus(); });
    document.getElementById(annuler).addEventListener('click', function () { zone.hidden = true; premier.focus(); });
    document.getElementById(confirmer).addEventListener('click', function () {
      var m = document.getElementById(message);
      m.textContent = 'Suppression…';
      envoyer('DELETE', url, null, section.dataset.csrf)
        .then(function () { window.location.assign(apres); })
        .catch(function (e) { m.textContent = 'Refusé : ' + e.message; m.dataset.etat = 'refuse'; });
    });
  }
  var supGroupe = document.getElementById('suppression-groupe');
  if (supGroupe) {
    suppression(supGroupe, 'supprimer-groupe', 'confirmer-groupe', 'annuler-groupe', 'message-suppression-groupe',
      api(supGroupe.dataset.structure) + '/groups/' + supGroupe.dataset.groupe + '?version=' + supGroupe.dataset.version,
      '/associations/' + supGroupe.dataset.structure + '/groupes');
  }
  var supReunion = document.getElementById('suppression-reunion');
  if (supReunion) {
    suppression(supReunion, 'supprimer-reunion', 'confirmer-reunion', 'annuler-reunion', 'message-suppression-reunion',
      api(supReunion.dataset.structure) + '/groups/' + supReunion.dataset.groupe + '/meetings/' +
        supReunion.dataset.reunion + '?version=' + supReunion.dataset.version,
      '/associations/' + supReunion.dataset.structure + '/groupes/' + supReunion.dataset.groupe);
  }
  var racine = document.getElementById('formulaire-temps');
  function decider(bouton, decision) {
    var id = bouton.dataset.saisie;
    var note = document.querySelector('.note-decision[data-saisie="' + id + '"]');
    var message = document.querySelector('.message-saisie[data-saisie="' + id + '"]');
    message.textContent = '';
    envoyer('PUT', api(racine.dataset.structure) + '/time/' + id + '/decision', {
      decision: decision, note: note ? note.value.trim() : '', version: parseInt(bouton.dataset.version, 10)
    }, racine.dataset.csrf).then(function () { window.location.reload(); })
      .catch(function (e) { message.textContent = e.message; message.dataset.etat = 'refuse'; });
  }
  if (racine) {
    chaque('.valider-saisie', function (b) { b.addEventListener('click', function () { decider(b, 'valide'); }); });
    chaque('.refuser-saisie', function (b) { b.addEventListener('click', function () { decider(b, 'refuse'); }); });
  }

  // "50", "50,00", "1 000,00 €" → cents; NaN when unreadable.
  function centimes(texteEuros) {
    var t = String(texteEuros).replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
    if (!/^\d+(\.\d{1,2})?$/.test(t)) return NaN;
    return Math.round(parseFloat(t) * 100);
  }
  var taux = document.getElementById('formulaire-taux');
  if (taux) {
    taux.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-taux');
      effacer(taux);
      var montant = centimes(valeur('taux-montant'));
      if (isNaN(montant)) {
        refuser(taux, message, { champ: 'taux_centimes', message: 'Montant illisible : par exemple 50,00.' });
        return;
      }
      var profession = valeur('taux-profession');
      var ligne = document.querySelector('#taux-annee tr[data-profession="' + profession + '"]');
      envoyer('PUT', api(taux.dataset.structure) + '/rates/' + taux.dataset.annee + '/' + encodeURIComponent(profession), {
        taux_centimes: montant, source: valeur('taux-source'),
        non_verifie: document.getElementById('taux-non-verifie').checked,
        version: ligne ? parseInt(ligne.dataset.version, 10) : 0
      }, taux.dataset.csrf).then(function () { window.location.reload(); })
        .catch(function (e) { refuser(taux, message, e); });
    });
  }
}());
