// Referents page: designate a referent on an area (the area's chooser follows the kind of zone)
// and end a designation; both through the API, then the page reloads with the new lists.
(function () {
  'use strict';

  var form = document.getElementById('designer-referent');
  var message = document.getElementById('message-referent');
  var dep = form ? form.dataset.departement : null;

  function envoyer(methode, url, corps) {
    var init = {
      method: methode, credentials: 'same-origin',
      headers: { Accept: 'application/json', 'X-CSRF-Token': form.dataset.csrf }
    };
    if (corps) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(corps);
    }
    return fetch(url, init).then(function (r) {
      return r.json().catch(function () { return {}; }).then(function (doc) {
        if (!r.ok) throw new Error(doc.message || ('erreur ' + r.status));
        return doc;
      });
    });
  }

  if (!form) return;
  var zone = document.getElementById('referent-zone');
  function montrer() {
    document.getElementById('choix-epci').hidden = zone.value !== 'epci';
    document.getElementById('choix-structure').hidden = zone.value !== 'structure';
    document.getElementById('choix-commune').hidden = zone.value !== 'commune';
  }
  zone.addEventListener('change', montrer);
  montrer();

  form.addEventListener('submit', function (ev) {
    ev.preventDefault();
    var code = dep;
    if (zone.value === 'epci') code = document.getElementById('referent-epci').value;
    if (zone.value === 'structure') code = document.getElementById('referent-structure').value;
    if (zone.value === 'commune') code = document.getElementById('referent-commune').value.trim();
    message.textContent = 'Enregistrement…';
    envoyer('POST', '/api/v1/departements/' + encodeURIComponent(dep) + '/referents', {
      compte: parseInt(document.getElementById('referent-compte').value, 10),
      fonction: document.getElementById('referent-fonction').value,
      zone: zone.value,
      code: code
    }).then(function () {
      message.textContent = 'Référent désigné.';
      window.location.reload();
    }).catch(function (e) { message.textContent = 'Désignation refusée : ' + e.message; });
  });

  Array.prototype.forEach.call(document.querySelectorAll('.retirer-referent'), function (b) {
    b.addEventListener('click', function () {
      b.disabled = true;
      envoyer('DELETE', '/api/v1/departements/' + encodeURIComponent(dep) + '/referents/' +
        encodeURIComponent(b.dataset.compte) + '/' + encodeURIComponent(b.dataset.zone) + '/' +
        encodeURIComponent(b.dataset.code))
        .then(function () { window.location.reload(); })
        .catch(function (e) { b.disabled = false; message.textContent = 'Refusé : ' + e.message; });
    });
  });
})();
