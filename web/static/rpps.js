// The RPPS page (/rpps): the extract is sent as the raw body of POST /api/v1/rpps/imports (the
// server writes it to disk as it arrives), with the sending progress from XMLHttpRequest; then the
// import runs in the background and its progress is polled every second until it ends, when the
// page says how it ended and links to the import's report.
(function () {
  'use strict';

  var form = document.getElementById('form-import-rpps');
  var suivi = document.getElementById('suivi-import');
  if (!form || !suivi) return;

  var input = document.getElementById('fichier-rpps');
  var bouton = document.getElementById('bouton-import-rpps');
  var envoi = document.getElementById('envoi-rpps');
  var barreEnvoi = document.getElementById('progression-envoi');
  var texteEnvoi = document.getElementById('envoi-texte');
  var erreur = document.getElementById('erreur-import-rpps');
  var barre = document.getElementById('progression-import');
  var etat = document.getElementById('import-etat');
  var nom = document.getElementById('import-fichier');
  var fin = document.getElementById('import-fin');

  var LIBELLES = { queued: 'en attente', running: 'en cours', done: 'terminé', failed: 'échoué' };

  function showError(text, field) {
    var F = window.MaillageFormulaires;
    if (F && field === 'fichier' && F.showFieldError(form, text, 'fichier')) return;
    erreur.textContent = text;
    erreur.hidden = false;
  }

  function setBar(el, pct) {
    el.value = pct;
    el.textContent = pct + ' %';
  }

  function follow(api) {
    suivi.hidden = false;
    var timer = null;
    function poll() {
      fetch(api, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (r) { return r.json().then(function (b) { return { ok: r.ok, body: b }; }); })
        .then(function (res) {
          if (!res.ok) {
            etat.textContent = res.body.message || 'Suivi impossible.';
            return;
          }
          var job = res.body;
          nom.textContent = job.fichier;
          setBar(barre, job.pourcentage);
          var etape = job.etape === 'enregistrement' ? ' — enregistrement en base' : '';
          etat.textContent = (LIBELLES[job.statut] || job.statut) + ' — ' + job.pourcentage + ' %' + etape;
          if (job.termine) {
            if (timer) clearInterval(timer);
            if (job.statut === 'done') {
              var r = job.rapport || {};
              fin.textContent = 'Import terminé : ' + r.lignes + ' lignes lues, ' + r.professionnels +
                ' professionnels, ' + r.lignes_en_erreur + ' lignes en erreur. ';
              var lien = document.createElement('a');
              lien.href = '/rpps/imports/' + job.id;
              lien.id = 'lien-rapport-import';
              lien.textContent = 'Voir le rapport de l\'import';
              fin.appendChild(lien);
              fin.className = 'succes';
              fin.hidden = false;
              bouton.disabled = false;
              input.value = '';
            } else {
              fin.textContent = 'L\'import a échoué : ' + job.message;
              fin.className = 'alerte';
              fin.hidden = false;
              bouton.disabled = false;
            }
          }
        })
        .catch(function () { etat.textContent = 'Suivi interrompu : rechargez la page.'; });
    }
    poll();
    timer = setInterval(poll, 1000);
  }

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    if (window.MaillageFormulaires) window.MaillageFormulaires.clearErrors(form);
    erreur.hidden = true;
    var file = input.files && input.files[0];
    if (!file) {
      showError('Choisissez le fichier de l\'extrait.', 'fichier');
      return;
    }
    bouton.disabled = true;
    envoi.hidden = false;
    setBar(barreEnvoi, 0);
    var xhr = new XMLHttpRequest();
    xhr.open('POST', '/api/v1/rpps/imports?nom=' + encodeURIComponent(file.name));
    xhr.setRequestHeader('X-CSRF-Token', form.getAttribute('data-csrf'));
    xhr.setRequestHeader('Content-Type', 'application/octet-stream');
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.addEventListener('progress', function (e) {
      if (!e.lengthComputable) return;
      var pct = Math.floor(e.loaded * 100 / e.total);
      setBar(barreEnvoi, pct);
      texteEnvoi.textContent = pct + ' % envoyés (' + (e.loaded / 1e6).toFixed(1) + ' Mo sur ' +
        (e.total / 1e6).toFixed(1) + ' Mo)';
    });
    xhr.addEventListener('load', function () {
      var body = {};
      try { body = JSON.parse(xhr.responseText); } catch (e) { body = {}; }
      if (xhr.status === 202) {
        setBar(barreEnvoi, 100);
        texteEnvoi.textContent = 'Fichier reçu : import n° ' + body.id + ' lancé.';
        follow('/api/v1/rpps/imports/' + body.id);
        return;
      }
      bouton.disabled = false;
      showError(body.message || ('Envoi refusé (' + xhr.status + ').'), body.field);
    });
    xhr.addEventListener('error', function () {
      bouton.disabled = false;
      showError('L\'envoi a été interrompu (connexion coupée ou fichier trop volumineux).');
    });
    xhr.send(file);
  });

  var api = suivi.getAttribute('data-api');
  if (api) {
    bouton.disabled = true;
    follow(api);
  }
}());
