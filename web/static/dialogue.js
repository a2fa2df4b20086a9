// Dialogue de gestion: every form of the page posts JSON to the API (with the session's CSRF
// token) and reloads the page on success, so what is shown is always what the server computed.
// Errors from the API (French message and the field's JSON path) are shown next to the form.
(function () {
  "use strict";
  // The dossier's print button (no inline handlers: the CSP allows scripts from 'self' only).
  var print = document.getElementById("imprimer");
  if (print) print.addEventListener("click", function () { window.print(); });
  var root = document.getElementById("dialogue");
  if (!root) return;
  var csrf = root.getAttribute("data-csrf");

  // "1 234,5" → 1234.5; empty → undefined (field left out); anything else → NaN (refused).
  function number(text) {
    var t = String(text).replace(/\s/g, "").replace(",", ".");
    if (t === "") return undefined;
    return /^-?\d+(\.\d+)?$/.test(t) ? Number(t) : NaN;
  }

  function fields(form) {
    var out = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.type === "file" || el.type === "submit") return;
      var type = el.getAttribute("data-type");
      if (type === "int") out[el.name] = parseInt(el.value || "0", 10);
      else if (type === "optional-number") {
        var n = number(el.value);
        if (n !== undefined) out[el.name] = n;
      } else out[el.name] = el.value;
    });
    return out;
  }

  function splitTarget(body) {
    var parts = String(body.target || "").split("/");
    delete body.target;
    body.mission = parts[0];
    body.indicator = parts.slice(1).join("/");
    return body;
  }

  function readFile(file) {
    return new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () {
        var url = String(reader.result);
        resolve(url.substring(url.indexOf(",") + 1));
      };
      reader.onerror = function () { reject(new Error("lecture du fichier impossible")); };
      reader.readAsDataURL(file);
    });
  }

  // Body of each kind of form.
  var builders = {
    measure: function (form) { return fields(form); },
    workspace: function (form) { return fields(form); },
    comment: function (form) { return fields(form); },
    budget: function (form) { return fields(form); },
    fiche: function (form) { return fields(form); },
    "fiche-new": function (form) { return fields(form); },
    adjust: function (form) { return splitTarget(fields(form)); },
    agree: function (form) {
      var f = splitTarget(fields(form));
      var paliers = String(f.paliers || "").split(";").map(number).filter(function (x) {
        return x !== undefined;
      });
      return {
        based_on: f.based_on, year: f.year, reason: f.reason,
        changes: [{ mission: f.mission, indicator: f.indicator,
                    year: parseInt(f.target_year, 10), paliers: paliers }]
      };
    },
    attach: function (form) {
      var input = form.querySelector("input[type=file]");
      var file = input && input.files[0];
      if (!file) return Promise.reject(new Error("choisissez un fichier"));
      return readFile(file).then(function (b64) {
        return { item: form.elements.item.value, filename: file.name,
                 content_type: file.type || "application/octet-stream", content_base64: b64 };
      });
    }
  };

  // Field errors and save confirmations: web/static/formulaires.js.
  var forms = window.MaillageFormulaires;

  function clearErrors(form) {
    forms.clearErrors(form);
    var p = form.querySelector(".erreur");
    if (p) p.hidden = true;
  }

  // The error next to its field when the API names one ($.measured → the input "measured"),
  // else above the form; the JSON path itself is never shown.
  function showError(form, text, field) {
    if (forms.showFieldError(form, text, field)) return;
    var p = form.querySelector(".erreur") || document.getElementById("erreur-globale");
    p.textContent = text;
    p.hidden = false;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.classList || !form.classList.contains("form-api")) return;
    event.preventDefault();
    clearErrors(form);
    // Numbers are checked here first, with an example of what is expected.
    var bad = Array.prototype.find.call(form.elements, function (el) {
      return el.getAttribute && el.getAttribute("data-type") === "optional-number" &&
        Number.isNaN(number(el.value));
    });
    if (bad) {
      showError(form, "nombre attendu (par exemple 1 234,5)", bad.name);
      return;
    }
    var build = builders[form.getAttribute("data-form")];
    var button = form.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    Promise.resolve(build(form)).then(function (body) {
      return fetch(form.getAttribute("data-url"), {
        method: form.getAttribute("data-method"),
        headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
        credentials: "same-origin",
        body: JSON.stringify(body)
      });
    }).then(function (response) {
      if (response.ok) {
        forms.confirmAfterReload(form.getAttribute("data-ok") || "Enregistré.");
        window.location.reload();
        return null;
      }
      return response.json().then(function (e) {
        var text = e.message || "Erreur";
        if (response.status === 409) text += " — la page va être rechargée.";
        showError(form, text, response.status === 409 ? "" : e.field);
        if (response.status === 409) setTimeout(function () { window.location.reload(); }, 2500);
      });
    }).catch(function (err) {
      showError(form, err.message || String(err));
    }).then(function () {
      if (button) button.disabled = false;
    });
  });
})();
