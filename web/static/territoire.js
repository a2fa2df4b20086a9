// Territory page: the CPTS's communes on the map; an editor clicks cells to add or remove them,
// adds an EPCI or a commune from a list, then saves with the version read (a stale version is
// refused by the server: the page says so and keeps the edit). CSV import: preview (report by
// line), then an explicit confirmation.
(function () {
  'use strict';

  var el = document.getElementById('carte-territoire');
  if (!el || typeof L === 'undefined') return;
  var etat = document.getElementById('etat-territoire');
  var nombre = new Intl.NumberFormat('fr-FR');
  var modifiable = el.dataset.modifiable === '1';
  var id = el.dataset.structure;
  var version = Number(el.dataset.version);
  var csrf = el.dataset.csrf;
  var enregistre = new Set(JSON.parse(el.dataset.communes || '[]'));
  var courant = new Set(enregistre);
  var infos = {};  // code -> {nom, population}
  var couches = {}; // code -> layer

  var carte = L.map(el, { zoomSnap: 0.25 });
  carte.attributionControl.setPrefix(false);
  carte.attributionControl.addAttribution('Contours des communes : IGN — Admin Express COG 2018');

  function getJson(url) {
    return fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } })
      .then(function (r) {
        if (!r.ok) throw new Error('HTTP ' + r.status);
        return r.json();
      });
  }
  function send(method, url, body) {
    return fetch(url, {
      method: method,
      credentials: 'same-origin',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', 'X-CSRF-Token': csrf },
      body: JSON.stringify(body)
    }).then(function (r) {
      return r.json().then(function (j) { return { status: r.status, body: j }; });
    });
  }

  function style(code) {
    var dedans = courant.has(code);
    var change = dedans !== enregistre.has(code);
    return {
      color: change ? '#d55e00' : '#5b5b5b',
      weight: change ? 2 : 0.5,
      fillColor: dedans ? '#1f5fa8' : '#f2f2f2',
      fillOpacity: dedans ? 0.6 : 0.5
    };
  }

  function sale() {
    if (courant.size !== enregistre.size) return true;
    var diff = false;
    courant.forEach(function (c) { if (!enregistre.has(c)) diff = true; });
    return diff;
  }

  function rafraichir() {
    Object.keys(couches).forEach(function (code) { couches[code].setStyle(style(code)); });
    var liste = document.getElementById('communes-territoire');
    liste.textContent = '';
    Array.from(courant).sort().forEach(function (code) {
      var li = document.createElement('li');
      li.dataset.code = code;
      li.textContent = (infos[code] ? infos[code].nom : code) + ' (' + code + ')';
      liste.appendChild(li);
    });
    var population = 0;
    courant.forEach(function (c) { population += infos[c] ? infos[c].population : 0; });
    document.getElementById('fait-communes').textContent = String(courant.size);
    document.getElementById('fait-population').textContent = nombre.format(population);
    var modifie = sale();
    var b = document.getElementById('enregistrer-territoire');
    if (b) b.disabled = !modifie;
    var a = document.getElementById('annuler-territoire');
    if (a) a.disabled = !modifie;
    el.dataset.modifie = modifie ? '1' : '0';
  }

  function basculer(code) {
    if (courant.has(code)) courant.delete(code); else courant.add(code);
    rafraichir();
  }

  function appliquer(t) {
    version = t.version;
    el.dataset.version = String(version);
    enregistre = new Set(t.communes.map(function (c) { return c.code; }));
    courant = new Set(enregistre);
    t.communes.forEach(function (c) { infos[c.code] = { nom: c.nom, population: c.population }; });
    rafraichir();
    document.getElementById('fait-taille').textContent = t.taille_libelle;
    document.getElementById('fait-contigu').textContent = t.contigu
      ? "d'un seul tenant" : 'en ' + t.morceaux.length + ' morceaux';
  }

  var urls = JSON.parse(el.dataset.cellules || '[]');
  Promise.all(urls.map(function (u) {
    return getJson(u).then(function (t) { return MaillageTopo.features(t, 'communes'); });
  })).then(function (collections) {
    var groupe = L.featureGroup().addTo(carte);
    collections.forEach(function (collection) {
      L.geoJSON(collection, {
        style: function (f) { return style(f.properties.code); },
        onEachFeature: function (f, layer) {
          var code = f.properties.code;
          infos[code] = { nom: f.properties.nom, population: f.properties.population };
          couches[code] = layer;
          layer.bindTooltip(f.properties.nom + ' — ' + nombre.format(f.properties.population) + ' hab.', { sticky: true });
          if (modifiable) layer.on('click', function () { basculer(code); });
        }
      }).addTo(groupe);
    });
    carte.fitBounds(groupe.getBounds());
    Object.keys(couches).forEach(function (code) {
      var p = couches[code].getElement && couches[code].getElement();
      if (p) {
        p.setAttribute('data-code', code);
        p.setAttribute('role', 'img');
        p.setAttribute('aria-label', infos[code].nom);
      }
    });
    rafraichir();
    etat.textContent = modifiable ? 'Carte prête : cliquez sur les communes à ajouter ou retirer.' : 'Carte prête.';
    el.dataset.etat = 'pret';
  }).catch(function (err) {
    etat.textContent = 'Impossible de charger la carte (' + err.message + ').';
    el.dataset.etat = 'erreur';
  });

  if (!modifiable) return;

  document.getElementById('enregistrer-territoire').addEventListener('click', function () {
    etat.textContent = 'Enregistrement…';
    send('PUT', '/api/v1/structures/' + id + '/territory', { version: version, communes: Array.from(courant).sort() })
      .then(function (r) {
        if (r.status === 200) {
          appliquer(r.body);
          etat.textContent = 'Territoire enregistré (version ' + version + ').';
          el.dataset.enregistre = String(version);
        } else if (r.status === 409) {
          etat.textContent = 'Conflit : ' + r.body.message + ' Vos changements sont conservés sur la carte.';
        } else {
          etat.textContent = 'Refusé : ' + r.body.message;
        }
      })
      .catch(function (err) { etat.textContent = 'Erreur réseau (' + err.message + ').'; });
  });
  document.getElementById('annuler-territoire').addEventListener('click', function () {
    courant = new Set(enregistre);
    rafraichir();
  });

  var epci = document.getElementById('choix-epci');
  epci.addEventListener('change', function () {
    var opt = epci.options[epci.selectedIndex];
    if (!opt || !opt.dataset.membres) return;
    JSON.parse(opt.dataset.membres).forEach(function (c) { courant.add(c); });
    epci.value = '';
    rafraichir();
  });

  var recherche = document.getElementById('recherche-commune');
  var resultats = document.getElementById('resultats-commune');
  var minuteur = null;
  recherche.addEventListener('input', function () {
    clearTimeout(minuteur);
    var q = recherche.value.trim();
    if (!q) { resultats.textContent = ''; return; }
    minuteur = setTimeout(function () {
      getJson('/api/v1/communes?limit=8&q=' + encodeURIComponent(q)).then(function (r) {
        resultats.textContent = '';
        r.communes.forEach(function (c) {
          var li = document.createElement('li');
          var b = document.createElement('button');
          b.type = 'button';
          b.className = 'secondaire';
          b.textContent = 'Ajouter ' + c.nom + ' (' + c.code + ')';
          b.addEventListener('click', function () {
            infos[c.code] = infos[c.code] || { nom: c.nom, population: c.population };
            courant.add(c.code);
            rafraichir();
          });
          li.appendChild(b);
          resultats.appendChild(li);
        });
      });
    }, 250);
  });

  var fichier = document.getElementById('fichier-csv');
  var apercu = document.getElementById('apercu-import');
  fichier.addEventListener('change', function () {
    var f = fichier.files[0];
    if (!f) return;
    f.text().then(function (texte) {
      return send('POST', '/api/v1/structures/' + id + '/territory/import', { fichier: f.name, contenu: texte });
    }).then(function (r) {
      apercu.textContent = '';
      if (r.status !== 200) {
        apercu.textContent = 'Import refusé : ' + r.body.message;
        return;
      }
      var p = r.body;
      var resume = document.createElement('p');
      resume.textContent = p.lignes + ' lignes lues : ' + p.nombre_communes + ' communes, ' +
        nombre.format(p.population) + ' hab. (' + p.taille + (p.contigu ? '' : ', en plusieurs morceaux') + ').';
      apercu.appendChild(resume);
      if (p.signalements.length) {
        var ul = document.createElement('ul');
        ul.className = 'signalements';
        p.signalements.forEach(function (s) {
          var li = document.createElement('li');
          li.className = s.gravite === 'erreur' ? 'signalement-erreur' : 'signalement-attention';
          li.textContent = 'Ligne ' + s.ligne + ' : ' + s.message;
          ul.appendChild(li);
        });
        apercu.appendChild(ul);
      }
      if (p.jeton) {
        var b = document.createElement('button');
        b.type = 'button';
        b.className = 'principal';
        b.id = 'confirmer-import';
        b.textContent = 'Confirmer : remplacer le territoire par ces ' + p.nombre_communes + ' communes';
        b.addEventListener('click', function () {
          send('POST', '/api/v1/structures/' + id + '/territory/import/' + p.jeton, { version: version })
            .then(function (c) {
              if (c.status === 200) {
                appliquer(c.body);
                apercu.textContent = 'Import enregistré (version ' + version + ').';
              } else {
                apercu.textContent = 'Import refusé : ' + c.body.message;
              }
            });
        });
        apercu.appendChild(b);
      } else {
        var n = document.createElement('p');
        n.className = 'alerte';
        n.textContent = 'Le fichier contient des erreurs : corrigez-le et renvoyez-le. Rien n\'a été enregistré.';
        apercu.appendChild(n);
      }
    }).catch(function (err) { apercu.textContent = 'Erreur (' + err.message + ').'; });
  });
})();
