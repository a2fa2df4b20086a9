// Assemblées générales pages: creation with its agenda, the AG page (agenda, convocations by e-mail
// or letters, proxies, the member's own proxy, opening the séance), the émargement (each mark
// answers with the quorum recomputed per collège, shown at once) and the votes (per member or
// per collège for a secret ballot, then the closure). Everything goes through the API under
// /api/v1/structures/{id}/association/assemblies; errors are shown as the API words them.
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
          var e = new Error(doc.message || ('erreur ' + r.status));  // the message names the field in words
          e.champ = doc.field || '';
          throw e;
        }
        return doc;
      });
    });
  }
  function api(structure, ag) {
    return '/api/v1/structures/' + encodeURIComponent(structure) + '/association/assemblies' +
      (ag ? '/' + encodeURIComponent(ag) : '');
  }
  function valeur(id) { var el = document.getElementById(id); return el ? el.value.trim() : ''; }
  function refuse(el, e) { if (el) { el.textContent = 'Refusé : ' + e.message; el.dataset.etat = 'refuse'; } }
  // A refusal shown in a line right after the form or button that was used (no dialog box).
  function refuseNear(el, e) {
    var p = el.nextElementSibling;
    if (!p || !p.classList.contains('refus-en-ligne')) {
      p = document.createElement('p');
      p.className = 'refus-en-ligne erreur';
      p.setAttribute('role', 'alert');
      el.insertAdjacentElement('afterend', p);
    }
    p.textContent = 'Refusé : ' + e.message;
  }
  // Reloads the page, which then confirms the save (web/static/formulaires.js).
  function rechargerAvec(texte) {
    return function () {
      window.MaillageFormulaires.confirmAfterReload(texte);
      window.location.reload();
    };
  }
  function chaque(selecteur, f, racine) { Array.prototype.forEach.call((racine || document).querySelectorAll(selecteur), f); }

  // Creation ------------------------------------------------------------------------------------
  var creation = document.getElementById('formulaire-ag');
  if (creation) {
    var conteneur = document.getElementById('ag-resolutions');
    document.getElementById('ajouter-resolution-saisie').addEventListener('click', function () {
      var copie = conteneur.querySelector('.resolution-saisie').cloneNode(true);
      copie.querySelector('.resolution-titre').value = '';
      copie.querySelector('.resolution-texte').value = '';
      conteneur.appendChild(copie);
    });
    creation.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-ag');
      var resolutions = [];
      chaque('.resolution-saisie', function (f) {
        var titre = f.querySelector('.resolution-titre').value.trim();
        if (!titre) return;
        resolutions.push({
          titre: titre, texte: f.querySelector('.resolution-texte').value.trim(),
          type: f.querySelector('.resolution-type').value, scrutin: f.querySelector('.resolution-scrutin').value
        });
      }, conteneur);
      window.MaillageFormulaires.clearErrors(creation);
      message.textContent = 'Enregistrement…';
      envoyer('POST', api(creation.dataset.structure), {
        type: valeur('ag-type'), titre: valeur('ag-titre'), date: valeur('ag-date'),
        debut: valeur('ag-debut'), fin: valeur('ag-fin'), lieu: valeur('ag-lieu'),
        convocation: valeur('ag-convocation'), resolutions: resolutions
      }, creation.dataset.csrf).then(function (doc) {
        window.MaillageFormulaires.confirmAfterReload('Assemblée générale créée.');
        window.location.assign('/associations/' + creation.dataset.structure + '/ag/' + doc.ag.id);
      }).catch(function (e) {
        // Next to the input the refusal names (the service's field names), else in the message.
        var formulaires = window.MaillageFormulaires;
        var el = null;
        var r = /^(?:\$\.)?resolutions\[(\d+)\]\.(\w+)/.exec(e.champ || '');
        if (r) {
          var saisie = conteneur.querySelectorAll('.resolution-saisie')[parseInt(r[1], 10)];
          var classe = { title: 'resolution-titre', titre: 'resolution-titre', body: 'resolution-texte',
            texte: 'resolution-texte', kind: 'resolution-type', type: 'resolution-type',
            ballot: 'resolution-scrutin', scrutin: 'resolution-scrutin' }[r[2]];
          if (saisie && classe) el = saisie.querySelector('.' + classe);
        } else {
          var id = { kind: 'ag-type', type: 'ag-type', title: 'ag-titre', titre: 'ag-titre',
            held_on: 'ag-date', date: 'ag-date', starts_at: 'ag-debut', debut: 'ag-debut',
            ends_at: 'ag-fin', fin: 'ag-fin', place: 'ag-lieu', lieu: 'ag-lieu',
            convocation: 'ag-convocation' }[(e.champ || '').replace(/^\$\./, '')];
          if (id) el = document.getElementById(id);
        }
        if (el) {
          formulaires.showErrorAt(creation, el, e.message);
          message.textContent = 'Rien n\'a été enregistré.';
          message.dataset.etat = 'refuse';
        } else {
          refuse(message, e);
        }
      });
    });
  }

  // The AG page ---------------------------------------------------------------------------------
  var donnees = document.getElementById('donnees-ag');
  if (donnees) {
    var s = donnees.dataset.structure, ag = donnees.dataset.ag, csrf = donnees.dataset.csrf;
    var recharger = function () { window.location.reload(); };
    var formResolution = document.getElementById('formulaire-resolution');
    if (formResolution) {
      formResolution.addEventListener('submit', function (ev) {
        ev.preventDefault();
        envoyer('POST', api(s, ag) + '/resolutions', {
          titre: valeur('resolution-titre'), texte: valeur('resolution-texte'),
          type: valeur('resolution-type'), scrutin: valeur('resolution-scrutin')
        }, csrf).then(rechargerAvec('Résolution ajoutée à l\'ordre du jour.'))
          .catch(function (e) { refuseNear(formResolution, e); });
      });
    }
    chaque('.retirer-resolution', function (b) {
      b.addEventListener('click', function () {
        envoyer('DELETE', api(s, ag) + '/resolutions/' + b.dataset.resolution, null, csrf)
          .then(rechargerAvec('Résolution retirée de l\'ordre du jour.'))
          .catch(function (e) { refuseNear(b, e); });
      });
    });
    var modifier = document.getElementById('formulaire-modifier-ag');
    if (modifier) {
      modifier.addEventListener('submit', function (ev) {
        ev.preventDefault();
        envoyer('PATCH', api(s, ag), {
          version: parseInt(donnees.dataset.version, 10), type: valeur('modif-type'), titre: valeur('modif-titre'),
          date: valeur('modif-date'), debut: valeur('modif-debut'), fin: valeur('modif-fin'), lieu: valeur('modif-lieu')
        }, csrf).then(rechargerAvec('Assemblée générale modifiée.'))
          .catch(function (e) { refuseNear(modifier, e); });
      });
    }
    var messageConvocations = document.getElementById('message-convocations');
    var envoi = document.getElementById('envoyer-convocations');
    if (envoi) {
      envoi.addEventListener('click', function () {
        envoi.disabled = true;
        messageConvocations.textContent = 'Envoi des convocations…';
        envoyer('POST', api(s, ag) + '/convocations', { mode: 'email' }, csrf).then(function (doc) {
          var e = doc.envoi;
          messageConvocations.textContent = e.envoyees + ' convocations envoyées, ' + e.echecs + ' échecs, ' +
            e.sans_adresse + ' membres sans adresse e-mail (à convoquer par courrier).' +
            (e.detail_echecs.length ? ' ' + e.detail_echecs.join(' ; ') : '');
          messageConvocations.dataset.etat = 'envoye';
          envoi.disabled = false;
        }).catch(function (e) { envoi.disabled = false; refuse(messageConvocations, e); });
      });
    }
    var courrier = document.getElementById('formulaire-courrier');
    if (courrier) {
      courrier.addEventListener('submit', function (ev) {
        ev.preventDefault();
        envoyer('POST', api(s, ag) + '/convocations', { mode: 'courrier', date: valeur('courrier-date') }, csrf)
          .then(recharger).catch(function (e) { refuse(messageConvocations, e); });
      });
    }
    var ouvrir = document.getElementById('ouvrir-seance');
    if (ouvrir) {
      ouvrir.addEventListener('click', function () {
        envoyer('POST', api(s, ag) + '/opening', null, csrf).then(function () {
          window.location.assign('/associations/' + s + '/ag/' + ag + '/emargement');
        }).catch(function (e) { refuse(document.getElementById('message-seance'), e); });
      });
    }
  }

  // Proxies: the coordination's form (AG page and émargement) and the withdraw buttons.
  var racine = document.getElementById('donnees-ag') || document.getElementById('emargement');
  var formPouvoir = document.getElementById('formulaire-pouvoir');
  if (racine && formPouvoir) {
    formPouvoir.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-pouvoir') || document.getElementById('message-emargement');
      envoyer('PUT', api(racine.dataset.structure, racine.dataset.ag) + '/proxies/' + valeur('pouvoir-mandant'),
        { mandataire: parseInt(valeur('pouvoir-mandataire'), 10) }, racine.dataset.csrf)
        .then(function (doc) {
          if (document.getElementById('emargement')) { afficherQuorum(doc); message.textContent = 'Pouvoir enregistré.'; } else window.location.reload();
        })
        .catch(function (e) { refuse(message, e); });
    });
  }
  if (racine) {
    chaque('.retirer-pouvoir', function (b) {
      b.addEventListener('click', function () {
        envoyer('DELETE', api(racine.dataset.structure, racine.dataset.ag) + '/proxies/' + b.dataset.mandant, null,
          racine.dataset.csrf).then(rechargerAvec('Pouvoir retiré.'))
          .catch(function (e) { refuseNear(b, e); });
      });
    });
  }

  // The member's own proxy.
  var monPouvoir = document.getElementById('mon-pouvoir');
  if (monPouvoir) {
    var m = monPouvoir.dataset;
    var messageMoi = document.getElementById('message-mon-pouvoir');
    var formMoi = document.getElementById('formulaire-mon-pouvoir');
    if (formMoi) {
      formMoi.addEventListener('submit', function (ev) {
        ev.preventDefault();
        envoyer('PUT', api(m.structure, m.ag) + '/proxies/' + m.membre,
          { mandataire: parseInt(valeur('mon-mandataire'), 10) }, m.csrf)
          .then(function () { window.location.reload(); })
          .catch(function (e) { refuse(messageMoi, e); });
      });
    }
    var retirer = document.getElementById('retirer-mon-pouvoir');
    if (retirer) {
      retirer.addEventListener('click', function () {
        envoyer('DELETE', api(m.structure, m.ag) + '/proxies/' + m.membre, null, m.csrf)
          .then(function () { window.location.reload(); })
          .catch(function (e) { refuse(messageMoi, e); });
      });
    }
  }

  // Émargement: every mark answers with the whole AG; the quorum and the rows follow.
  function afficherQuorum(doc) {
    var q = doc.quorum;
    var boite = document.getElementById('quorum');
    if (!boite) return;
    boite.dataset.atteint = q.atteint ? 'oui' : 'non';
    document.getElementById('quorum-etat').textContent = q.atteint ? 'Quorum atteint' : 'Quorum non atteint';
    document.getElementById('quorum-compte').textContent = q.presents_ou_representes;
    document.getElementById('quorum-taux').textContent = q.taux;
    document.getElementById('quorum-explication').textContent = q.explication;
    q.colleges.forEach(function (c) {
      var tr = document.querySelector('#quorum-colleges tr[data-college="' + CSS.escape(c.college) + '"]');
      if (!tr) return;
      tr.querySelector('.c-membres').textContent = c.membres;
      tr.querySelector('.c-presents').textContent = c.presents;
      tr.querySelector('.c-representes').textContent = c.representes;
      tr.querySelector('.c-excuses').textContent = c.excuses;
      tr.querySelector('.c-absents').textContent = c.absents;
      tr.querySelector('.c-taux').textContent = c.taux;
      tr.querySelector('.c-atteint').textContent = c.atteint ? 'atteint' : 'non atteint';
    });
    doc.liste.forEach(function (l) {
      var tr = document.querySelector('#feuille-emargement tr[data-membre="' + l.membre + '"]');
      if (!tr) return;
      tr.dataset.presence = l.presence;
      tr.querySelector('.etat-presence').textContent = l.presence_libelle + (l.mandataire_nom ? ' par ' + l.mandataire_nom : '');
    });
    var liste = document.getElementById('pouvoirs-seance');
    if (liste) {
      liste.textContent = '';
      doc.pouvoirs.forEach(function (p) {
        var li = document.createElement('li');
        li.dataset.mandant = p.mandant;
        li.dataset.accepte = p.accepte ? 'oui' : 'non';
        li.textContent = p.mandant_nom + ' → ' + p.mandataire_nom + (p.accepte ? '' : ' : ' + p.refus);
        liste.appendChild(li);
      });
    }
  }
  var emargement = document.getElementById('emargement');
  if (emargement) {
    var e = emargement.dataset;
    var messageEmargement = document.getElementById('message-emargement');
    chaque('#feuille-emargement button.emarger', function (b) {
      b.addEventListener('click', function () {
        var tr = b.closest('tr');
        b.disabled = true;
        envoyer('PUT', api(e.structure, e.ag) + '/attendance/' + tr.dataset.membre, { presence: b.dataset.presence }, e.csrf)
          .then(function (doc) { b.disabled = false; afficherQuorum(doc); messageEmargement.textContent = ''; })
          .catch(function (err) { b.disabled = false; refuse(messageEmargement, err); });
      });
    });
  }

  // Votes ---------------------------------------------------------------------------------------
  var votes = document.getElementById('votes-ag');
  if (votes) {
    var v = votes.dataset;
    chaque('section.resolution', function (section) {
      var id = section.dataset.resolution;
      var message = section.querySelector('.message-vote');
      var formVotes = section.querySelector('form.formulaire-votes');
      if (formVotes) {
        formVotes.querySelector('.tous-pour').addEventListener('click', function () {
          chaque('input[value="pour"]', function (r) { r.checked = true; }, formVotes);
        });
        formVotes.addEventListener('submit', function (ev) {
          ev.preventDefault();
          var liste = [];
          chaque('tbody tr', function (tr) {
            var coche = tr.querySelector('input:checked');
            if (coche) liste.push({ membre: parseInt(tr.dataset.membre, 10), vote: coche.value });
          }, formVotes);
          envoyer('PUT', api(v.structure, v.ag) + '/resolutions/' + id + '/votes', { votes: liste }, v.csrf)
            .then(function () { window.location.reload(); })
            .catch(function (err) { refuse(message, err); });
        });
      }
      var formUrne = section.querySelector('form.formulaire-urne');
      if (formUrne) {
        formUrne.addEventListener('submit', function (ev) {
          ev.preventDefault();
          var decomptes = [];
          chaque('tbody tr', function (tr) {
            var n = function (cls) { return parseInt(tr.querySelector(cls).value || '0', 10); };
            decomptes.push({ college: tr.dataset.college, pour: n('.u-pour'), contre: n('.u-contre'), abstention: n('.u-abstention') });
          }, formUrne);
          envoyer('PUT', api(v.structure, v.ag) + '/resolutions/' + id + '/votes', { decomptes: decomptes }, v.csrf)
            .then(function () { window.location.reload(); })
            .catch(function (err) { refuse(message, err); });
        });
      }
    });
    var clore = document.getElementById('clore-seance');
    if (clore) {
      clore.addEventListener('click', function () {
        envoyer('POST', api(v.structure, v.ag) + '/closure', null, v.csrf)
          .then(function () { window.location.reload(); })
          .catch(function (err) { refuse(document.getElementById('message-votes'), err); });
      });
    }
  }
})();
