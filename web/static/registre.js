// Registry pages: portfolio filters applied on change, département switch, confirmation of
// terminal lifecycle steps, and document upload (the file is read in the browser and sent as
// base64 JSON to the API with the session's CSRF token). Everything works without this script
// except the upload.
(function () {
  "use strict";

  // Portfolio: choosing another département keeps the filters.
  var dep = document.getElementById("registre-choix-departement");
  if (dep) {
    dep.addEventListener("change", function () {
      window.location.href = "/portefeuille/" + encodeURIComponent(dep.value) + window.location.search;
    });
  }
  // Portfolio: a filter applies as soon as it changes; empty filters stay out of the URL.
  var filters = document.getElementById("registre-filtres");
  if (filters) {
    filters.querySelectorAll("select").forEach(function (select) {
      select.addEventListener("change", function () {
        var params = new URLSearchParams();
        filters.querySelectorAll("select").forEach(function (s) {
          if (s.value) params.set(s.name, s.value);
        });
        var q = params.toString();
        window.location.href = filters.getAttribute("action") + (q ? "?" + q : "");
      });
    });
  }

  // Structure form: only the starting stages of the chosen type are offered.
  var type = document.getElementById("type");
  var start = document.getElementById("etape_depart");
  if (type && start) {
    var sync = function () {
      start.querySelectorAll("optgroup").forEach(function (g) {
        var mine = g.dataset.type === type.value;
        g.hidden = !mine;
        g.disabled = !mine;
        if (!mine && g.contains(start.selectedOptions[0])) start.value = "";
      });
    };
    type.addEventListener("change", sync);
    sync();
  }

  // Structure page: every lifecycle step is confirmed with the sentence that names its
  // consequence (written by the server, data-consequence).
  var transition = document.getElementById("registre-transition");
  if (transition) {
    transition.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.dataset.consequence &&
          !window.confirm("« " + button.textContent.trim() + " » : " + button.dataset.consequence + " Confirmer ?")) {
        event.preventDefault();
      }
    });
  }

  // Structure page: document upload.
  var upload = document.getElementById("registre-document");
  if (upload) {
    var status = upload.querySelector(".registre-etat");
    upload.addEventListener("submit", function (event) {
      event.preventDefault();
      var file = upload.querySelector("input[type=file]").files[0];
      if (!file) return;
      status.textContent = "Envoi en cours…";
      var reader = new FileReader();
      reader.onerror = function () { status.textContent = "Lecture du fichier impossible."; };
      reader.onload = function () {
        var data = String(reader.result);
        var body = {
          type: upload.elements.type.value,
          titre: upload.elements.titre.value,
          nom_fichier: file.name,
          type_contenu: file.type || "application/octet-stream",
          contenu_base64: data.substring(data.indexOf(",") + 1)
        };
        if (upload.elements.date.value) body.date = upload.elements.date.value;
        fetch(upload.dataset.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": upload.dataset.csrf },
          body: JSON.stringify(body)
        }).then(function (response) {
          var forms = window.MaillageFormulaires;
          forms.clearErrors(upload);
          if (response.ok) {
            forms.confirmAfterReload("Document ajouté : " + body.titre + ".");
            window.location.reload();
            return null;
          }
          return response.json().then(function (error) {
            var text = error.message || ("erreur " + response.status);
            if (forms.showFieldError(upload, text, error.field)) {
              status.textContent = "";
            } else {
              status.textContent = "Refusé : " + text;
            }
          });
        }).catch(function () { status.textContent = "Le serveur ne répond pas."; });
      };
      reader.readAsDataURL(file);
    });
  }

  // Structure page: archiving (with its reason) and bringing back, through the API so that a
  // refusal shows next to its field.
  [["registre-archiver", "Structure archivée."], ["registre-desarchiver", "Structure sortie des archives."]]
    .forEach(function (pair) {
      var form = document.getElementById(pair[0]);
      if (!form) return;
      var status = form.querySelector(".registre-etat");
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var body = { version: Number(form.dataset.version) };
        if (form.elements.motif) body.motif = form.elements.motif.value;
        fetch(form.dataset.url, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRF-Token": form.dataset.csrf },
          body: JSON.stringify(body)
        }).then(function (response) {
          var forms = window.MaillageFormulaires;
          forms.clearErrors(form);
          if (response.ok) {
            forms.confirmAfterReload(pair[1]);
            window.location.reload();
            return null;
          }
          return response.json().then(function (error) {
            var text = error.message || ("erreur " + response.status);
            status.textContent = forms.showFieldError(form, text, error.field) ? "" : "Refusé : " + text;
          });
        }).catch(function () { status.textContent = "Le serveur ne répond pas."; });
      });
    });
})();
