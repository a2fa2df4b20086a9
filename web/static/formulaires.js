// Shared by the pages whose forms call the JSON API: a refusal naming a field is shown next to
// that field in French (the label, then the message; never the JSON path), what was typed stays,
// and a save is confirmed on the page reloaded after it (the confirmation travels in
// sessionStorage, because the reload is what shows the server's new state).
(function () {
  'use strict';

  var FLASH = 'maillage-enregistre';
  var compteur = 0;  // ids of error notes for fields without name or id

  // The label people read for a field ("Nom de la campagne"), from its <label>.
  function labelOf(el) {
    var label = el.labels && el.labels[0];
    if (!label) return '';
    var first = label.childNodes[0];
    return (first && first.nodeType === 3 ? first.textContent : label.textContent).trim();
  }

  function clearErrors(form) {
    Array.prototype.forEach.call(form.querySelectorAll('.erreur-champ'), function (e) { e.remove(); });
    Array.prototype.forEach.call(form.querySelectorAll('[aria-invalid]'), function (e) {
      e.removeAttribute('aria-invalid');
      e.removeAttribute('aria-describedby');
    });
  }

  // The form element an API field path names: "$.creneaux[3].debut" → the input "debut" (the
  // last segment the form has), "nom" → "nom"; `ids` maps field names to element ids for forms
  // whose inputs are named otherwise ({ email: 'membre-email' }).
  function elementFor(form, field, ids) {
    var parts = String(field || '').replace(/^\$\.?/, '').split(/[.[\]]+/).filter(function (p) {
      return p && !/^\d+$/.test(p);
    });
    for (var i = parts.length - 1; i >= 0; i--) {
      var mapped = ids && ids[parts[i]] ? document.getElementById(ids[parts[i]]) : null;
      if (mapped && form.contains(mapped)) return mapped;
      var el = form.elements[parts[i]];
      if (el && el.nodeType === 1) return el;
      if (el && el.length && el[0].nodeType === 1) return el[0];  // radio or checkbox group
    }
    return null;
  }

  // Shows `text` next to the field `field` names in `form`; false when the form has no such field
  // (the caller then shows it in its page-level message).
  function showFieldError(form, text, field, ids) {
    var el = form && field ? elementFor(form, field, ids) : null;
    if (!el) return false;
    showErrorAt(form, el, text);
    return true;
  }

  // Shows `text` right after the element `el` of `form` (its label when it has one).
  function showErrorAt(form, el, text) {
    var note = document.createElement('span');
    note.className = 'erreur erreur-champ';
    note.id = 'erreur-' + (form.id || 'formulaire') + '-' + (el.name || el.id || 'champ' + (++compteur));
    note.setAttribute('role', 'alert');
    var label = labelOf(el);
    note.textContent = label ? label + ' : ' + text : text;
    (el.closest('label') || el).insertAdjacentElement('afterend', note);
    el.setAttribute('aria-invalid', 'true');
    el.setAttribute('aria-describedby', note.id);
    el.focus();
  }

  // Remembers the confirmation to show once the page has reloaded.
  function confirmAfterReload(text) {
    try { window.sessionStorage.setItem(FLASH, text); } catch (e) { /* storage refused */ }
  }

  function showPendingConfirmation() {
    var text = null;
    try {
      text = window.sessionStorage.getItem(FLASH);
      if (text) window.sessionStorage.removeItem(FLASH);
    } catch (e) { return; }
    if (!text) return;
    var ok = document.createElement('p');
    ok.className = 'succes';
    ok.setAttribute('role', 'status');
    ok.textContent = text;
    var anchor = document.querySelector('main h1');
    if (anchor) anchor.insertAdjacentElement('afterend', ok);
  }

  window.MaillageFormulaires = {
    clearErrors: clearErrors,
    showFieldError: showFieldError,
    showErrorAt: showErrorAt,
    confirmAfterReload: confirmAfterReload,
  };
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', showPendingConfirmation);
  } else {
    showPendingConfirmation();
  }
}());
