// Projet de santé: saving the porteurs' texts (each with the version it was read at, so that a
// concurrent edit answers 409 instead of overwriting), the missions, the deposit, each text's
// history, and the regional template. All through the API; state in data attributes
// (data-etat="enregistre" once a text is saved) so tests can wait on selectors.
(function () {
  'use strict';

  var projet = document.getElementById('projet');
  var modele = document.getElementById('modele-regional');
  var csrf = (projet || modele || {}).dataset ? (projet || modele).dataset.csrf : '';

  function envoyer(methode, url, corps) {
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
          e.status = r.status;
          throw e;
        }
        return doc;
      });
    });
  }

  if (projet) {
    var base = '/api/v1/structures/' + projet.dataset.structure + '/projet-de-sante';

    Array.prototype.forEach.call(document.querySelectorAll('form.zone'), function (f) {
      var etat = f.querySelector('.etat');
      var zone = f.dataset.zone;
      f.addEventListener('submit', function (ev) {
        ev.preventDefault();
        f.dataset.etat = 'envoi';
        etat.textContent = 'Enregistrement…';
        envoyer('PUT', base + '/textes/' + encodeURIComponent(zone), {
          version: parseInt(f.dataset.version, 10),
          texte: f.querySelector('textarea').value
        }).then(function (t) {
          f.dataset.version = String(t.version);
          f.dataset.etat = 'enregistre';
          etat.textContent = 'Enregistré (version ' + t.version + ').';
        }).catch(function (e) {
          f.dataset.etat = e.status === 409 ? 'conflit' : 'erreur';
          etat.textContent = (e.status === 409 ? 'Conflit : ' : 'Refusé : ') + e.message;
        });
      });
      f.querySelector('textarea').addEventListener('input', function () {
        if (f.dataset.etat === 'enregistre') f.dataset.etat = 'modifie';
      });
      f.querySelector('.historique').addEventListener('click', function () {
        var liste = f.querySelector('.versions');
        envoyer('GET', base + '/textes/' + encodeURIComponent(zone) + '/historique')
          .then(function (h) {
            liste.textContent = '';
            h.versions.forEach(function (v) {
              var li = document.createElement('li');
              li.textContent = 'Version ' + v.version + ' — ' + v.auteur + ', ' + v.le + ' : ' + v.texte;
              liste.appendChild(li);
            });
            if (!h.versions.length) liste.textContent = 'Aucune version enregistrée.';
            liste.hidden = false;
          });
      });
    });

    Array.prototype.forEach.call(document.querySelectorAll('form.commenter'), function (f) {
      f.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var etat = f.querySelector('.etat');
        envoyer('POST', base + '/commentaires', {
          chapitre: f.dataset.chapitre, texte: f.querySelector('textarea').value
        }).then(function () { window.location.reload(); })
          .catch(function (e) { etat.textContent = 'Refusé : ' + e.message; });
      });
    });

    var missions = document.getElementById('choix-missions');
    if (missions) {
      missions.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var choisies = [];
        Array.prototype.forEach.call(missions.querySelectorAll('input[name=mission]'), function (c) {
          if (c.checked && !c.disabled) choisies.push(c.value);
        });
        var etat = document.getElementById('etat-missions');
        envoyer('PUT', base + '/missions', {
          version: parseInt(projet.dataset.version, 10), missions: choisies
        }).then(function () { window.location.reload(); })
          .catch(function (e) { etat.textContent = 'Refusé : ' + e.message; });
      });
    }

    var depot = document.getElementById('deposer');
    if (depot) {
      depot.addEventListener('submit', function (ev) {
        ev.preventDefault();
        var etat = document.getElementById('etat-depot');
        etat.textContent = 'Dépôt…';
        envoyer('POST', base + '/depot', {
          version: parseInt(depot.dataset.versionStructure, 10),
          date: depot.querySelector('input[name=date]').value
        }).then(function () { window.location.reload(); })
          .catch(function (e) { etat.textContent = 'Refusé : ' + e.message; });
      });
    }
  }

  if (modele && modele.querySelector('button[type=submit]')) {
    modele.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var etat = document.getElementById('etat-modele');
      etat.textContent = 'Vérification…';
      envoyer('PUT', '/api/v1/regions/' + encodeURIComponent(modele.dataset.region) +
        '/modele-projet-de-sante', {
        version: parseInt(modele.dataset.version, 10),
        modele: document.getElementById('texte-modele').value,
        note: modele.querySelector('input[name=note]').value
      }).then(function (t) {
        modele.dataset.version = String(t.version);
        etat.textContent = 'Version ' + t.version + ' enregistrée.';
      }).catch(function (e) { etat.textContent = 'Refusé : ' + e.message; });
    });
  }
})();
