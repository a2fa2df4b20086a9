// Association pages: the statuts form (collèges with their placement boxes), the member form
// (create or edit, with the version read) and the member import (read the file, preview with the
// column mapping, lines in error and duplicates, then confirm). Everything goes through the API
// under /api/v1/structures/{id}/association; errors are shown as the API words them.
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

  function base(structure) { return '/api/v1/structures/' + encodeURIComponent(structure) + '/association'; }
  function valeur(id) { var el = document.getElementById(id); return el ? el.value.trim() : ''; }
  function texte(td, t) { td.textContent = t === undefined || t === null ? '' : String(t); return td; }

  // Statuts -----------------------------------------------------------------------------------
  var statuts = document.getElementById('formulaire-statuts');
  if (statuts) {
    var conteneur = document.getElementById('statuts-colleges');
    var modele = conteneur.querySelector('.college-statuts');
    var retirer = function (ev) {
      if (ev.target.classList.contains('retirer-college')) ev.target.closest('.college-statuts').remove();
    };
    conteneur.addEventListener('click', retirer);
    var ajout = document.getElementById('ajouter-college');
    if (ajout && modele) {
      ajout.addEventListener('click', function () {
        var copie = modele.cloneNode(true);
        copie.querySelector('.college-id').value = '';
        copie.querySelector('.college-nom').value = '';
        Array.prototype.forEach.call(copie.querySelectorAll('input[type=checkbox]'), function (c) { c.checked = false; });
        conteneur.appendChild(copie);
      });
    }
    statuts.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-statuts');
      window.MaillageFormulaires.clearErrors(statuts);
      var colleges = [];
      Array.prototype.forEach.call(conteneur.querySelectorAll('.college-statuts'), function (f) {
        var coches = function (cls) {
          return Array.prototype.filter.call(f.querySelectorAll('.' + cls), function (c) { return c.checked; })
            .map(function (c) { return c.value; });
        };
        colleges.push({
          id: f.querySelector('.college-id').value.trim(),
          nom: f.querySelector('.college-nom').value.trim(),
          part_numerateur: parseInt(f.querySelector('.college-num').value || '1', 10),
          part_denominateur: parseInt(f.querySelector('.college-den').value || '1', 10),
          professions: coches('college-profession'),
          personnes_morales: coches('college-morale')
        });
      });
      message.textContent = 'Enregistrement…';
      envoyer('PUT', base(statuts.dataset.structure) + '/statuts', {
        version: parseInt(statuts.dataset.version, 10),
        ponderation: valeur('statuts-ponderation'),
        periode: valeur('statuts-periode'),
        college_par_defaut: valeur('statuts-defaut'),
        colleges: colleges,
        ag: {
          delai_convocation_jours: parseInt(valeur('ag-delai') || '15', 10),
          quorum_premiere: { portee: valeur('ag-q1-portee'), numerateur: parseInt(valeur('ag-q1-num') || '0', 10),
            denominateur: parseInt(valeur('ag-q1-den') || '1', 10) },
          quorum_seconde: { portee: valeur('ag-q2-portee'), numerateur: parseInt(valeur('ag-q2-num') || '0', 10),
            denominateur: parseInt(valeur('ag-q2-den') || '1', 10) },
          majorite_ordinaire: valeur('ag-maj-ordinaire'),
          majorite_statuts: valeur('ag-maj-statuts'),
          abstentions_exprimees: document.getElementById('ag-abstentions').checked,
          college_sans_suffrage: valeur('ag-college-vide'),
          pouvoirs_max: parseInt(valeur('ag-pouvoirs') || '0', 10),
          pouvoirs_meme_college: document.getElementById('ag-meme-college').checked,
          vote_cotisation_a_jour: document.getElementById('ag-cotisation').checked
        }
      }, statuts.dataset.csrf).then(function (doc) {
        statuts.dataset.version = doc.version;
        message.textContent = 'Statuts enregistrés (version ' + doc.version + ').';
        message.dataset.etat = 'enregistre';
      }).catch(function (e) {
        // Next to the input the refusal names: a collège's own inputs ("colleges[1].share"), or
        // the general choices; else in the message line.
        var el = null;
        var m = /^(?:\$\.)?colleges\[(\d+)\]\.(\w+)/.exec(e.champ || '');
        if (m) {
          var bloc = conteneur.querySelectorAll('.college-statuts')[parseInt(m[1], 10)];
          var classe = { share: 'college-num', professions: 'college-profession', legal_kinds: 'college-morale',
            id: 'college-id', name: 'college-nom', nom: 'college-nom' }[m[2]];
          if (bloc && classe) el = bloc.querySelector('.' + classe);
        } else {
          var id = { weight_mode: 'statuts-ponderation', ponderation: 'statuts-ponderation',
            period: 'statuts-periode', periode: 'statuts-periode',
            default_college: 'statuts-defaut', college_par_defaut: 'statuts-defaut' }[e.champ || ''];
          if (id) el = document.getElementById(id);
        }
        if (el) {
          window.MaillageFormulaires.showErrorAt(statuts, el, e.message);
          message.textContent = 'Rien n\'a été enregistré.';
        } else {
          message.textContent = 'Refusé : ' + e.message;
        }
        message.dataset.etat = 'refuse';
      });
    });
  }

  // Member form ---------------------------------------------------------------------------------
  // The member form's inputs, by the field names the API and the service give in a refusal.
  var CHAMPS_MEMBRE = {
    nom: 'membre-nom', last_name: 'membre-nom', prenom: 'membre-prenom', first_name: 'membre-prenom',
    raison_sociale: 'membre-raison', organisation: 'membre-raison',
    type_personne_morale: 'membre-type-morale', legal_kind: 'membre-type-morale',
    representant: 'membre-representant', representative: 'membre-representant',
    profession: 'membre-profession', rpps: 'membre-rpps', email: 'membre-email',
    telephone: 'membre-telephone', phone: 'membre-telephone', commune: 'membre-commune',
    mode_exercice: 'membre-mode', college: 'membre-college', bureau: 'membre-bureau',
    adhesion: 'membre-adhesion', joined: 'membre-adhesion',
    radiation: 'membre-radiation', radiated: 'membre-radiation'
  };
  var membre = document.getElementById('formulaire-membre');
  if (membre) {
    var type = document.getElementById('membre-type');
    var montrer = function () {
      document.getElementById('bloc-personne').hidden = type.value !== 'personne';
      document.getElementById('bloc-morale').hidden = type.value !== 'personne_morale';
    };
    type.addEventListener('change', montrer);
    montrer();
    membre.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-membre');
      var nouveau = membre.dataset.nouveau === '1';
      var corps = {
        type: type.value,
        nom: valeur('membre-nom'), prenom: valeur('membre-prenom'),
        raison_sociale: valeur('membre-raison'), type_personne_morale: valeur('membre-type-morale'),
        representant: valeur('membre-representant'), profession: valeur('membre-profession'),
        rpps: valeur('membre-rpps'), email: valeur('membre-email'), telephone: valeur('membre-telephone'),
        commune: valeur('membre-commune'), mode_exercice: valeur('membre-mode'),
        college: valeur('membre-college'), bureau: valeur('membre-bureau'),
        adhesion: valeur('membre-adhesion'), radiation: valeur('membre-radiation')
      };
      if (!nouveau) corps.version = parseInt(membre.dataset.version, 10);
      message.textContent = 'Enregistrement…';
      var url = base(membre.dataset.structure) + '/members' + (nouveau ? '' : '/' + membre.dataset.membre);
      var formulaires = window.MaillageFormulaires;
      formulaires.clearErrors(membre);
      envoyer(nouveau ? 'POST' : 'PATCH', url, corps, membre.dataset.csrf).then(function (doc) {
        formulaires.confirmAfterReload(nouveau ? 'Membre enregistré.' : 'Modifications enregistrées.');
        window.location.assign('/associations/' + membre.dataset.structure + '/membres/' + doc.id);
      }).catch(function (e) {
        // Next to the field when the server names one (the API's names and the service's).
        if (formulaires.showFieldError(membre, e.message, e.champ, CHAMPS_MEMBRE)) {
          message.textContent = 'Rien n\'a été enregistré.';
        } else {
          message.textContent = 'Refusé : ' + e.message;
        }
        message.dataset.etat = 'refuse';
      });
    });
  }

  // Dues: tariffs of a year and payments ---------------------------------------------------------
  // "30", "30,50", "1 200,00 €" → cents; NaN when unreadable.
  function centimes(texteEuros) {
    var t = String(texteEuros).replace(/[\s\u00a0\u202f€]/g, '').replace(',', '.');
    if (!/^\d+(\.\d{1,2})?$/.test(t)) return NaN;
    return Math.round(parseFloat(t) * 100);
  }
  var tarifs = document.getElementById('formulaire-tarifs');
  if (tarifs) {
    tarifs.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var formulaires = window.MaillageFormulaires;
      formulaires.clearErrors(tarifs);
      var message = document.getElementById('message-tarifs');
      message.textContent = '';
      // An unreadable amount is shown next to its input, before anything is sent.
      var illisible = function (input) {
        formulaires.showErrorAt(tarifs, input, 'montant illisible (par exemple 30 ou 30,50)');
      };
      var liste = [];
      var tousInput = document.getElementById('tarif-tous');
      var tous = valeur('tarif-tous');
      if (tous) {
        if (isNaN(centimes(tous))) { illisible(tousInput); return; }
        liste.push({ montant_centimes: centimes(tous) });
      }
      var mauvais = null;
      Array.prototype.forEach.call(document.querySelectorAll('.tarif-college'), function (c) {
        if (!c.value.trim() || mauvais) return;
        if (isNaN(centimes(c.value))) { mauvais = c; return; }
        liste.push({ college: c.dataset.college, montant_centimes: centimes(c.value) });
      });
      if (mauvais) { illisible(mauvais); return; }
      envoyer('PUT', base(tarifs.dataset.structure) + '/tariffs/' + encodeURIComponent(valeur('tarif-annee')),
        { tarifs: liste }, tarifs.dataset.csrf)
        .then(function () {
          formulaires.confirmAfterReload('Tarifs ' + valeur('tarif-annee') + ' enregistrés.');
          window.location.reload();
        })
        .catch(function (e) {
          if (!formulaires.showFieldError(tarifs, e.message, e.champ, { annee: 'tarif-annee' })) {
            message.textContent = 'Refusé : ' + e.message;
          }
          message.dataset.etat = 'refuse';
        });
    });
  }
  var paiement = document.getElementById('formulaire-paiement');
  if (paiement) {
    paiement.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var message = document.getElementById('message-paiement');
      var formulaires = window.MaillageFormulaires;
      var CHAMPS_PAIEMENT = {
        membre: 'paiement-membre', member_id: 'paiement-membre', date: 'paiement-date',
        paid_on: 'paiement-date', montant_centimes: 'paiement-montant', amount_cents: 'paiement-montant',
        moyen: 'paiement-moyen', method: 'paiement-moyen', reference: 'paiement-reference',
        annee: 'paiement-annee', covers_year: 'paiement-annee'
      };
      formulaires.clearErrors(paiement);
      message.textContent = '';
      var montant = centimes(valeur('paiement-montant'));
      if (isNaN(montant)) {
        formulaires.showFieldError(paiement, 'montant illisible (par exemple 30 ou 30,50)', 'montant_centimes', CHAMPS_PAIEMENT);
        return;
      }
      var corps = {
        membre: parseInt(valeur('paiement-membre'), 10), date: valeur('paiement-date'),
        montant_centimes: montant, moyen: valeur('paiement-moyen'), reference: valeur('paiement-reference')
      };
      if (valeur('paiement-annee')) corps.annee = parseInt(valeur('paiement-annee'), 10);
      envoyer('POST', base(paiement.dataset.structure) + '/payments', corps, paiement.dataset.csrf)
        .then(function (doc) {
          formulaires.confirmAfterReload('Paiement enregistré : voici son reçu.');
          window.location.assign('/associations/' + paiement.dataset.structure + '/recus/' + doc.id);
        })
        .catch(function (e) {
          if (!formulaires.showFieldError(paiement, e.message, e.champ, CHAMPS_PAIEMENT)) {
            message.textContent = 'Refusé : ' + e.message;
          }
          message.dataset.etat = 'refuse';
        });
    });
  }

  // Import --------------------------------------------------------------------------------------
  var imp = document.getElementById('formulaire-import');
  if (imp) {
    // A CSV travels as text (contenu), an XLSX workbook as base 64 (contenu_base64).
    var fichier = { nom: '', contenu: '', base64: '' };
    var avecFichier = function (corps) {
      corps.fichier = fichier.nom;
      if (fichier.base64) corps.contenu_base64 = fichier.base64; else corps.contenu = fichier.contenu;
      return corps;
    };
    var message = document.getElementById('message-import');
    var apercu = document.getElementById('apercu-import');
    var correspondance = function () {
      var out = {};
      Array.prototype.forEach.call(document.querySelectorAll('select.colonne'), function (s) {
        if (s.value) out[s.dataset.champ] = s.value;
      });
      return out;
    };
    var ecartees = function () {
      return Array.prototype.filter.call(document.querySelectorAll('.ecarter'), function (c) { return c.checked; })
        .map(function (c) { return parseInt(c.value, 10); });
    };
    var afficher = function (doc) {
      apercu.hidden = false;
      var choisi = {};
      doc.colonnes.forEach(function (c) { choisi[c.champ] = c.entete; });
      Array.prototype.forEach.call(document.querySelectorAll('select.colonne'), function (s) {
        s.textContent = '';
        var vide = document.createElement('option');
        vide.value = ''; vide.textContent = '— aucune —';
        s.appendChild(vide);
        doc.entetes.forEach(function (h) {
          var o = document.createElement('option');
          o.value = h; o.textContent = h; o.selected = choisi[s.dataset.champ] === h;
          s.appendChild(o);
        });
      });
      var corps = document.querySelector('#import-problemes tbody');
      corps.textContent = '';
      doc.problemes.forEach(function (p) {
        var tr = document.createElement('tr');
        tr.className = p.erreur ? 'import-erreur' : '';
        var champ = p.colonne ? (p.champ ? p.champ + ' (colonne ' + p.colonne + ')' : 'Colonne ' + p.colonne) : p.champ;
        [p.ligne, champ, p.valeur, p.message].forEach(function (v) { tr.appendChild(texte(document.createElement('td'), v)); });
        corps.appendChild(tr);
      });
      if (!doc.problemes.length) {
        var tr0 = document.createElement('tr');
        var td0 = texte(document.createElement('td'), 'Aucune ligne en erreur.');
        td0.colSpan = 4; tr0.appendChild(td0); corps.appendChild(tr0);
      }
      var lignes = document.querySelector('#import-lignes tbody');
      lignes.textContent = '';
      doc.lignes.forEach(function (l) {
        var tr = document.createElement('tr');
        if (l.doublon) tr.className = 'import-doublon';
        var td = document.createElement('td');
        var c = document.createElement('input');
        c.type = 'checkbox'; c.className = 'ecarter'; c.value = l.ligne; c.checked = l.doublon;
        c.setAttribute('aria-label', 'Écarter la ligne ' + l.ligne);
        td.appendChild(c); tr.appendChild(td);
        [l.ligne, l.nom, l.profession_libelle, l.college_nom, l.email, l.commune, l.doublon_message]
          .forEach(function (v) { tr.appendChild(texte(document.createElement('td'), v)); });
        lignes.appendChild(tr);
      });
      message.textContent = doc.lignes_lues + ' lignes lues, ' + doc.lignes.length + ' importables, ' +
        doc.problemes.filter(function (p) { return p.erreur; }).length + ' en erreur.';
      apercu.dataset.pret = '1';
    };
    var lire = function (avecCorrespondance) {
      message.textContent = 'Lecture…';
      var corps = avecFichier({});
      if (avecCorrespondance) corps.correspondance = correspondance();
      return envoyer('POST', base(imp.dataset.structure) + '/import', corps, imp.dataset.csrf)
        .then(afficher)
        .catch(function (e) { apercu.hidden = true; message.textContent = 'Fichier refusé : ' + e.message; });
    };
    imp.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var f = document.getElementById('import-fichier').files[0];
      if (!f) return;
      var lecteur = new FileReader();
      if (/\.xlsx$/i.test(f.name)) {
        lecteur.onload = function () {
          var octets = new Uint8Array(lecteur.result), binaire = '';
          for (var i = 0; i < octets.length; i += 0x8000) {
            binaire += String.fromCharCode.apply(null, octets.subarray(i, i + 0x8000));
          }
          fichier = { nom: f.name, contenu: '', base64: btoa(binaire) };
          lire(false);
        };
        lecteur.readAsArrayBuffer(f);
      } else {
        lecteur.onload = function () { fichier = { nom: f.name, contenu: lecteur.result, base64: '' }; lire(false); };
        lecteur.readAsText(f, 'UTF-8');
      }
    });
    document.getElementById('import-relire').addEventListener('click', function () { lire(true); });
    document.getElementById('import-confirmer').addEventListener('click', function () {
      message.textContent = 'Import…';
      envoyer('POST', base(imp.dataset.structure) + '/import/confirmation', avecFichier({
        correspondance: correspondance(), ignorer_lignes: ecartees()
      }), imp.dataset.csrf).then(function (doc) {
        apercu.hidden = true;
        message.textContent = doc.importes + ' membres importés, ' + doc.ecartes + ' lignes écartées, ' +
          doc.refuses + ' lignes en erreur non importées.';
        message.dataset.etat = 'importe';
      }).catch(function (e) { message.textContent = 'Import refusé : ' + e.message; });
    });
  }
})();
