// Printable report: the "Imprimer" button (no inline handlers: the Content-Security-Policy
// refuses them).
(function () {
  'use strict';
  var bouton = document.getElementById('imprimer');
  if (bouton) bouton.addEventListener('click', function () { window.print(); });
})();
